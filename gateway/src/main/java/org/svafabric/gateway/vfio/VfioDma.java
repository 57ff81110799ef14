package org.svafabric.gateway.vfio;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One VFIO_IOMMU_MAP_DMA: [iova, iova + size) -> the pinned pages of [vaddr, vaddr + size). */
@Entity
@Table(name = "vfio_dma")
public class VfioDma {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "container_id")
    private long containerId;
    private long iova;
    private long size;
    private long vaddr;
    private boolean readable;
    private boolean writable;

    protected VfioDma() {
    }

    public VfioDma(long containerId, long iova, long size, long vaddr, boolean readable, boolean writable) {
        this.containerId = containerId;
        this.iova = iova;
        this.size = size;
        this.vaddr = vaddr;
        this.readable = readable;
        this.writable = writable;
    }

    public long getContainerId() {
        return containerId;
    }

    public long getIova() {
        return iova;
    }

    public long getSize() {
        return size;
    }

    public long getVaddr() {
        return vaddr;
    }

    public long end() {
        return iova + size;
    }

    public boolean overlaps(long start, long length) {
        return iova < start + length && start < end();
    }
}
