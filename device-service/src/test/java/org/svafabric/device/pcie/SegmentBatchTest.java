package org.svafabric.device.pcie;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.device.engine.DmaPath;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.iommu.AtsRequest;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.Rig;

/**
 * Translating ahead asks for a memcpy segment's source and destination in one Translation Request batch (each page
 * with its span's permission), and leaves what that batch cannot settle (pages to request with PRI) to the per-span
 * path: nothing is translated or requested twice, and the bytes arrive.
 */
class SegmentBatchTest {
    private static final int PASID = 9;
    private static final long SRC = 0x5500_0000_0000L;
    private static final long DST = 0x5600_0000_0000L;
    private static final int SEGMENT = 16 * 1024;
    private static final int PAGES = SEGMENT / 4096;
    private static final int SEGMENTS = 8;

    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private AddressSpace bound() {
        rig = Rig.sva(32, 256, 1, 4, new org.svafabric.device.testing.FakeSmmu(), Rig.settings(SEGMENT, 2));
        return rig.smmu.bind(PASID);
    }

    private static Job job(long len) {
        return new Job("j-1", "0000:01:00.0", JobSpec.of("memcpy", PASID, SRC, DST, len, null, null, 1 << 24), 0);
    }

    private static List<DmaPath.Span> segment(int k) {
        return List.of(new DmaPath.Span(SRC + (long) k * SEGMENT, SEGMENT, false), new DmaPath.Span(DST + (long) k * SEGMENT, SEGMENT, true));
    }

    @Test
    void aResidentSegmentAheadIsOneBatchOfItsSourceReadAndDestinationWrite() {
        AddressSpace mm = bound();
        mm.populate(SRC, SEGMENT, true);
        mm.populate(DST, SEGMENT, true);

        rig.device.pcie().atsPath().prefetch(job(SEGMENT), segment(0));

        assertThat(rig.smmu.translationBatches).hasSize(1);
        List<AtsRequest> batch = rig.smmu.translationBatches.get(0);
        assertThat(batch).hasSize(2 * PAGES);
        assertThat(batch.subList(0, PAGES)).allMatch(r -> !r.write() && inside(r.addr(), SRC, SEGMENT));
        assertThat(batch.subList(PAGES, 2 * PAGES)).allMatch(r -> r.write() && inside(r.addr(), DST, SEGMENT));
        assertThat(rig.device.pcie().atc().size()).isEqualTo(2 * PAGES);
        assertThat(rig.smmu.groups).isEmpty();
    }

    @Test
    void destinationPagesTheBatchLeavesUntranslatedArePageRequestedThenTranslatedOnce() {
        AddressSpace mm = bound();
        mm.populate(SRC, SEGMENT, true);
        mm.allow(DST, SEGMENT, true);
        Job j = job(SEGMENT);

        rig.device.pcie().atsPath().prefetch(j, segment(0));

        List<List<AtsRequest>> batches = rig.smmu.translationBatches;
        assertThat(batches).as("the segment's batch, then the destination again after the PRG Response").hasSize(2);
        assertThat(batches.get(1)).hasSize(PAGES).allMatch(r -> r.write() && inside(r.addr(), DST, SEGMENT));
        assertThat(rig.smmu.groups).hasSize(1);
        assertThat(rig.smmu.groups.get(0).requests()).hasSize(PAGES).allMatch(r -> r.write() && inside(r.addr(), DST, SEGMENT));
        assertThat(j.faults().pageRequests()).isEqualTo(PAGES);
        assertThat(rig.device.pcie().atc().size()).isEqualTo(2 * PAGES);
    }

    @Test
    void aColdMemcpyTranslatedAheadRequestsEachDestinationPageOnceAndCopiesEveryByte() {
        AddressSpace mm = bound();
        long len = (long) SEGMENT * SEGMENTS;
        mm.populate(SRC, len, true);
        mm.allow(DST, len, true);
        byte[] data = new byte[(int) len];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        mm.write(SRC, data);

        Job j = rig.run("memcpy", PASID, SRC, DST, len, 0, 0);

        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(mm.read(DST, (int) len)).isEqualTo(data);
        assertThat(j.faults().pageRequests()).as("every destination page requested exactly once").isEqualTo((long) SEGMENTS * PAGES);
        Set<Long> requested = new HashSet<>();
        rig.smmu.groups.forEach(g -> g.requests().forEach(r -> assertThat(requested.add(r.addr())).isTrue()));
        assertThat(requested).allMatch(a -> inside(a, DST, len));
    }

    private static boolean inside(long addr, long base, long len) {
        return addr >= base && addr < base + len;
    }

}
