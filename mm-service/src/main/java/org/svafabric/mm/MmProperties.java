package org.svafabric.mm;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The simulated machine's CPU side (prefix {@code mm}).
 *
 * @param ram      RAM size and physical base; {@code minFreeFrames} overrides the min watermark
 *                 (low and high follow from it as in Linux)
 * @param asid     ASID width in bits (16 as on most arm64 CPUs; 8 makes rollover easy to see)
 *                 and the number of simulated CPUs
 * @param notifier how long an MMU-notifier subscriber may take to acknowledge invalidate_range, and release
 * @param access   the largest CPU read/write, pin or bus batch one request may move
 * @param swap     swap device size in page slots
 */
@ConfigurationProperties("mm")
public record MmProperties(Ram ram, Asid asid, Notifier notifier, Access access, Swap swap) {

    public MmProperties {
        ram = ram == null ? new Ram(null, null, null) : ram;
        asid = asid == null ? new Asid(null, null) : asid;
        notifier = notifier == null ? new Notifier(null, null) : notifier;
        access = access == null ? new Access(null) : access;
        swap = swap == null ? new Swap(null) : swap;
    }

    /** QEMU's virt board puts RAM at 0x4000_0000; so does the simulation, so PA 0 is never RAM. */
    public record Ram(DataSize size, Long base, Long minFreeFrames) {
        public Ram {
            size = size == null ? DataSize.ofGigabytes(1) : size;
            base = base == null ? 0x4000_0000L : base;
        }
    }

    public record Asid(Integer bits, Integer cpus) {
        public Asid {
            bits = bits == null ? 16 : bits;
            cpus = cpus == null ? 4 : cpus;
        }
    }

    /**
     * {@code releaseTimeout} is longer than {@code timeout}: invalidate_range is a few commands, but release runs every
     * bound device driver's mm_exit handler, which waits for the PASID's running DMA and page requests to stop (up to
     * device-service's {@code device.stop-timeout}, 30 s), before the CDs are cleared. An exit bounded by the shorter
     * timeout gave up while the device was still stopping (504), and left the process EXITING with its memory.
     */
    public record Notifier(Duration timeout, Duration releaseTimeout) {
        public Notifier {
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
            releaseTimeout = releaseTimeout == null ? Duration.ofSeconds(60) : releaseTimeout;
        }
    }

    public record Access(DataSize maxLength) {
        public Access {
            maxLength = maxLength == null ? DataSize.ofMegabytes(64) : maxLength;
            if (maxLength.toBytes() < 4096 || maxLength.toBytes() > (1L << 30)) {
                throw new IllegalArgumentException("mm.access.max-length must be between 4 KiB and 1 GiB");
            }
        }
    }

    public record Swap(Long maxSlots) {
        public Swap {
            maxSlots = maxSlots == null ? 1L << 20 : maxSlots;
        }
    }
}
