package org.svafabric.gateway.vfio;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;

/** The groups set in a container (VFIO_GROUP_SET_CONTAINER) and the devices in them. */
@Component
public class ContainerDevices {
    private final VfioGroups groups;
    private final VfioGroupsAttached attached;

    public ContainerDevices(VfioGroups groups, VfioGroupsAttached attached) {
        this.groups = groups;
        this.attached = attached;
    }

    public List<VfioGroups.Group> groupsOf(VfioContainer c) {
        Set<Integer> ids = new HashSet<>(attached.findByContainerId(c.getId()).stream().map(VfioGroupAttachment::getGroupId).toList());
        return groups.all().stream().filter(g -> ids.contains(g.id())).toList();
    }

    public List<String> devicesOf(VfioContainer c) {
        return groupsOf(c).stream().flatMap(g -> g.devices().stream()).toList();
    }
}
