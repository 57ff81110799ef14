package org.svafabric.device.pcie;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/**
 * munmap racing DMA, as the kernel orders it: clear the PTE, invalidate the ATC (the device
 * answers once accesses using the entries finished), and only then free the frame. The RAM
 * refuses to count a device write into a freed frame as anything but a violation.
 */
class InvalidationRaceTest {
    private static final int PASID = 4;
    private static final long BUF = 0x7a00_0000_0000L;
    private static final int PAGES = 48;

    /** RAM that records every write landing in a frame already freed. */
    static final class FreedFrameRam extends LocalMemoryBus {
        final Set<Long> freed = ConcurrentHashMap.newKeySet();
        final AtomicInteger violations = new AtomicInteger();

        @Override
        public void write(long pa, byte[] data) {
            for (long f = pa >>> Vmsa.PAGE_SHIFT; f <= (pa + data.length - 1) >>> Vmsa.PAGE_SHIFT; f++) {
                if (freed.contains(f)) {
                    violations.incrementAndGet();
                }
            }
            super.write(pa, data);
        }

        @Override
        public void writeBatch(List<MemoryBus.Write> writes) {
            writes.forEach(w -> write(w.pa(), w.data()));
        }
    }

    @Test
    void noDeviceWriteReachesAFrameFreedAfterItsInvalidation() {
        FreedFrameRam ram = new FreedFrameRam();
        FakeSmmu smmu = new FakeSmmu(ram);
        try (Rig rig = Rig.sva(16, 32, 3, 64, smmu)) {
            AddressSpace mm = smmu.bind(PASID);
            mm.populate(BUF, PAGES * Vmsa.PAGE_SIZE, true);
            AddressTranslationCache atc = rig.device.pcie().atc();
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                jobs.add(rig.driver.submit(JobSpec.of(i % 2 == 0 ? "memset" : "rand48", PASID, null, BUF,
                        PAGES * Vmsa.PAGE_SIZE, i & 0xff, (long) i, 1L << 24)));
            }
            Random random = new Random(7_340_033);
            int unmapped = 0;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!jobs.stream().allMatch(j -> j.status().isFinal())) {
                assertThat(System.nanoTime()).as("the jobs end within 120 s").isLessThan(deadline);
                long page = BUF + random.nextInt(PAGES) * Vmsa.PAGE_SIZE;
                long frame = mm.unmap(page);
                // The MMU notifier's order: CMD_TLBI_NH_VA, then CMD_ATC_INV, then the frame may go.
                smmu.invalidateTlb(PASID, page);
                atc.invalidate(PASID, page, Vmsa.PAGE_SIZE, false);
                if (frame >= 0) {
                    ram.freed.add(frame >>> Vmsa.PAGE_SHIFT);
                    unmapped++;
                }
                if (random.nextInt(4) == 0) {
                    Thread.yield();
                }
            }
            assertThat(jobs).allMatch(j -> j.status() == JobStatus.COMPLETED);
            assertThat(unmapped).isPositive();
            assertThat(rig.device.metrics().pageRequests.count()).isPositive();
            assertThat(ram.violations).hasValue(0);
        }
    }
}
