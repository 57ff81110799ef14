package org.svafabric.gateway.vfio;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A group set in a container (VFIO_GROUP_SET_CONTAINER); a group belongs to at most one container. */
@Entity
@Table(name = "vfio_container_group")
public class VfioGroupAttachment {
    @Id
    @Column(name = "group_id")
    private Integer groupId;
    @Column(name = "container_id")
    private long containerId;

    protected VfioGroupAttachment() {
    }

    public VfioGroupAttachment(int groupId, long containerId) {
        this.groupId = groupId;
        this.containerId = containerId;
    }

    public int getGroupId() {
        return groupId;
    }

    public long getContainerId() {
        return containerId;
    }
}
