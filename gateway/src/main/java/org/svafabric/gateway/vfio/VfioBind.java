package org.svafabric.gateway.vfio;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A process bound to every device of a container (VFIO_IOMMU_BIND with BIND_PROCESS): the series' vfio_mm. */
@Entity
@Table(name = "vfio_bind")
public class VfioBind {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "container_id")
    private long containerId;
    private long pid;
    private int pasid;

    protected VfioBind() {
    }

    public VfioBind(long containerId, long pid, int pasid) {
        this.containerId = containerId;
        this.pid = pid;
        this.pasid = pasid;
    }

    public long getPid() {
        return pid;
    }

    public int getPasid() {
        return pasid;
    }
}
