package org.svafabric.mm.process.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One VMA of a process as persisted (table {@code vma}). */
@Entity
@Table(name = "vma")
public class VmaRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private long pid;

    @Column(name = "va_start", nullable = false)
    private long start;

    @Column(name = "va_end", nullable = false)
    private long end;

    @Column(nullable = false, length = 4)
    private String prot;

    protected VmaRecord() {
    }

    public VmaRecord(long pid, long start, long end, String prot) {
        this.pid = pid;
        this.start = start;
        this.end = end;
        this.prot = prot;
    }

    public Long getId() {
        return id;
    }

    public long getPid() {
        return pid;
    }

    public long getStart() {
        return start;
    }

    public long getEnd() {
        return end;
    }

    public String getProt() {
        return prot;
    }
}
