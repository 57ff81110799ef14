package org.svafabric.api.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.svafabric.api.timing.DmaEvent.AtcLookup;
import org.svafabric.api.timing.DmaEvent.AtsRequest;
import org.svafabric.api.timing.DmaEvent.FaultKinds;
import org.svafabric.api.timing.DmaEvent.PageRequests;
import org.svafabric.api.timing.DmaEvent.PrgGroup;
import org.svafabric.api.timing.DmaEvent.SmmuWork;
import org.svafabric.api.timing.DmaEvent.Stall;
import org.svafabric.api.timing.DmaEvent.Transfer;
import org.svafabric.api.timing.DmaEvent.Untranslated;

/**
 * Hand-computed model times with the default table: atcHit 2, atcMiss 2, atsRoundTrip 600, iotlbHit 15,
 * tbuToTcuMiss 15, tcuMiss 35, walkDescriptorRead 68, steFetch 68, cdFetch 68, priQueueWrite 70,
 * priInterrupt 1500, iopfHandling 1000, mmFaultMinor 500, mmFaultMajor 1200, prgResponse 600,
 * stallResume 2500, dmaTransfer 40 ns/KiB, 4 IOPF workers.
 */
class TimingModelTest {
    private static final long KIB64 = 64 * 1024;
    private final TimingModel model = new TimingModel(TimingTable.defaults());

    @Test
    void warm64KiBMemcpyIsFourLookupsOfHitsAndTwoTransfers() {
        // src: 16 ATC hits (16 x 2 = 32) + 64 KiB read (64 x 40 = 2560);
        // dst: 16 ATC hits (32) + 64 KiB write (2560). 32 + 2560 + 32 + 2560 = 5184.
        ModelTime t = model.price(List.of(new AtcLookup(16, 0), new Transfer(KIB64), new AtcLookup(16, 0), new Transfer(KIB64)));

        assertThat(t.nanos()).isEqualTo(5184);
        assertThat(t.breakdown()).containsExactlyInAnyOrderEntriesOf(Map.of("atcHit", 64L, "dmaTransfer", 5120L));
    }

    @Test
    void cold64KiBMemcpyWithOneSixteenPageGroup() {
        // src, resident but not in the ATC:
        //   16 misses                                   16 x 2                          =    32
        //   ATS: round trip + STE + CD + 16 walks of 19 reads: 600 + 68 + 68 + 16 x 35 + 19 x 68
        //                                             = 600 + 136 + 560 + 1292          =  2588
        //   16 hits (32) + 64 KiB read (2560)                                            =  2592
        // dst, never touched (allocation 16: the 16 pages are one group):
        //   16 misses                                                                    =    32
        //   ATS, 16 walks of 1 read, no translation: 600 + 560 + 1088                    =  2248
        //   the group: 16 queue writes (1120) + interrupt (1500) = 2620 taken by the consumer,
        //     + IOPF handling (1000) + 16 major faults (19200) = 22820, + PRG response (600) = 23420
        //   16 misses (32) + ATS again, 16 walks of 1 read (2248)                        =  2280
        //   16 hits (32) + 64 KiB write (2560)                                           =  2592
        // 32 + 2588 + 2592 + 32 + 2248 + 23420 + 2280 + 2592 = 35784; one group: nothing overlaps.
        SmmuWork firstWalks = new SmmuWork(1, 1, 0, 16, 19);
        SmmuWork emptyWalks = new SmmuWork(0, 0, 0, 16, 16);
        ModelTime t = model.price(List.of(
                new AtcLookup(0, 16), new AtsRequest(16, firstWalks), new AtcLookup(16, 0), new Transfer(KIB64),
                new AtcLookup(0, 16), new AtsRequest(16, emptyWalks),
                new PageRequests(List.of(new PrgGroup(16, new FaultKinds(0, 16, 0))), 16),
                new AtcLookup(0, 16), new AtsRequest(16, emptyWalks), new AtcLookup(16, 0), new Transfer(KIB64)));

        assertThat(t.nanos()).isEqualTo(35784);
        assertThat(t.breakdown()).containsEntry("priQueueWrite", 1120L).containsEntry("priInterrupt", 1500L)
                .containsEntry("iopfHandling", 1000L).containsEntry("mmFaultMajor", 19200L).containsEntry("prgResponse", 600L)
                .containsEntry("atsRoundTrip", 1800L).containsEntry("atcMiss", 96L).containsEntry("atcHit", 64L)
                .doesNotContainKey(ModelTime.OVERLAP);
        assertThat(t.breakdown().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(t.nanos());
        assertThat(t.breakdown().keySet()).as("in the order of the flow").containsExactly("atcHit", "atcMiss", "atsRoundTrip",
                "tcuMiss", "walkDescriptorRead", "steFetch", "cdFetch", "priQueueWrite", "priInterrupt", "iopfHandling",
                "mmFaultMajor", "prgResponse", "dmaTransfer");
    }

    @Test
    void aStalledWriteWaitsForTheResumeThenWalksAgain() {
        // stall: event + interrupt + CMD_RESUME (2500) + IOPF handling (1000) + one major fault (1200) = 4700;
        // the transaction's translations: STE + CD (136), 2 walks (2 x 35 = 70) of 4 reads each (8 x 68 = 544),
        //   each walk from the TBU to the TCU (2 x 15 = 30) = 780;
        // 4 KiB written: 4 x 40 = 160. 4700 + 780 + 160 = 5640.
        ModelTime t = model.price(List.of(new Stall(new FaultKinds(0, 1, 0)), new Untranslated(1, new SmmuWork(1, 1, 0, 2, 8)),
                new Transfer(4096)));

        assertThat(t.nanos()).isEqualTo(5640);
        assertThat(t.breakdown()).containsEntry("stallResume", 2500L).containsEntry("tbuToTcuMiss", 30L)
                .containsEntry("walkDescriptorRead", 544L);
    }

    @Test
    void groupsInFlightTogetherOverlapUpToTheAllocation() {
        // Two groups of 16 minor faults, allocation 32: both are sent at 0.
        //   g1: taken at 1120 + 1500 = 2620, worker 0 done at 2620 + 1000 + 16 x 500 = 11620, answered 12220
        //   g2: the one queue consumer takes it after g1: 2620 + 2620 = 5240; worker 1 done at
        //       5240 + 9000 = 14240, answered 14840
        // critical path 14840; the work is 2 x 12220 = 24440, so 9600 of it overlapped.
        List<PrgGroup> groups = List.of(new PrgGroup(16, new FaultKinds(16, 0, 0)), new PrgGroup(16, new FaultKinds(16, 0, 0)));
        ModelTime t = model.price(List.of(new PageRequests(groups, 32)));

        assertThat(t.nanos()).isEqualTo(14840);
        assertThat(t.breakdown()).containsEntry(ModelTime.OVERLAP, -9600L);
        assertThat(t.breakdown().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(14840);
    }

    @Test
    void anAllocationOfOneGroupSerialisesTheGroups() {
        // Allocation 16: g2 is sent only when g1's response returns its credits, at 12220;
        // taken 12220 + 2620 = 14840, done 14840 + 9000 = 23840, answered 24440 = 2 x 12220, no overlap.
        List<PrgGroup> groups = List.of(new PrgGroup(16, new FaultKinds(16, 0, 0)), new PrgGroup(16, new FaultKinds(16, 0, 0)));
        ModelTime t = model.price(List.of(new PageRequests(groups, 16)));

        assertThat(t.nanos()).isEqualTo(24440);
        assertThat(t.breakdown()).doesNotContainKey(ModelTime.OVERLAP);
    }

    @Test
    void oneIopfWorkerSerialisesTheServicing() {
        // Allocation 32, one worker: g2 is taken at 5240 but the worker is busy until 11620:
        // done 11620 + 9000 = 20620, answered 21220.
        TimingModel oneWorker = new TimingModel(TimingTable.defaults().withIopfWorkers(1));
        List<PrgGroup> groups = List.of(new PrgGroup(16, new FaultKinds(16, 0, 0)), new PrgGroup(16, new FaultKinds(16, 0, 0)));

        assertThat(oneWorker.price(List.of(new PageRequests(groups, 32))).nanos()).isEqualTo(21220);
    }

    @Test
    void theLinkMovesOneJobsBytesOneAfterTheOther() {
        // 1 MiB = 1024 KiB x 40 = 40960, whether as one transfer or as two of 512 KiB; at 80 ns/KiB twice that.
        assertThat(model.price(List.of(new Transfer(1 << 20))).nanos()).isEqualTo(40960);
        assertThat(model.price(List.of(new Transfer(1 << 19), new Transfer(1 << 19))).nanos()).isEqualTo(40960);
        TimingModel slowLink = new TimingModel(TimingTable.defaults().with(Map.of("dmaTransfer", 80L)));
        assertThat(slowLink.price(List.of(new Transfer(1 << 20))).nanos()).isEqualTo(81920);
        // A partial KiB is rounded up: 8 bytes x 40 / 1024 = 0.3 -> 1.
        assertThat(model.price(List.of(new Transfer(8))).nanos()).isEqualTo(1);
    }

    @Test
    void swapInDominatesAColdGroup() {
        // One group of 2 pages swapped in: 2 x 70 + 1500 = 1640 taken, + 1000 + 2 x 55000 = 112640, + 600 = 113240.
        ModelTime t = model.price(List.of(new PageRequests(List.of(new PrgGroup(2, new FaultKinds(0, 0, 2))), 32)));

        assertThat(t.nanos()).isEqualTo(113240);
        assertThat(t.breakdown()).containsEntry("mmFaultSwapIn", 110000L);
    }

    @Test
    void theClockAddsEventsAsTheyCome() {
        TimingModel.Clock c = model.start();
        c.add(new AtcLookup(1, 0));
        assertThat(c.time().nanos()).isEqualTo(2);
        c.add(new Transfer(1024));
        assertThat(c.time()).isEqualTo(new ModelTime(42, Map.of("atcHit", 2L, "dmaTransfer", 40L)));
    }
}
