package org.svafabric.gateway.vfio;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An open /dev/vfio/vfio: the process that opened it, its IOMMU type once set, and the private domain behind it. */
@Entity
@Table(name = "vfio_container")
public class VfioContainer {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long uid;
    private long pid;
    @Column(name = "iommu_type")
    private String iommuType;
    @Column(name = "domain_id")
    private Long domainId;
    private Instant created;

    protected VfioContainer() {
    }

    public VfioContainer(long uid, long pid) {
        this.uid = uid;
        this.pid = pid;
        this.created = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public long getUid() {
        return uid;
    }

    public long getPid() {
        return pid;
    }

    public String getIommuType() {
        return iommuType;
    }

    public Long getDomainId() {
        return domainId;
    }

    public Instant getCreated() {
        return created;
    }

    /** The SMMU lost the container's domain (it rebooted): VFIO_SET_IOMMU must be done again. */
    void clearIommu() {
        this.iommuType = null;
        this.domainId = null;
    }

    void setIommu(String type, long domainId) {
        this.iommuType = type;
        this.domainId = domainId;
    }
}
