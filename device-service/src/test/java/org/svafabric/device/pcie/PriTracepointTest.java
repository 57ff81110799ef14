package org.svafabric.device.pcie;

import org.svafabric.api.wire.PrgResponseCode;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.device.engine.FaultCounters;
import org.svafabric.device.engine.JobRecorder;
import org.svafabric.device.iommu.AtsRequest;
import org.svafabric.device.iommu.IommuPort;
import org.svafabric.device.iommu.PageRequest;
import org.svafabric.device.iommu.Transaction;
import org.svafabric.device.iommu.TransactionOutcome;

/** The Page Request Interface tells its listener every group sent, every response, the unexpected and the given up. */
@Timeout(20)
class PriTracepointTest {
    private static final int SID = 0x100;

    private final List<String> trace = new CopyOnWriteArrayList<>();
    private final PriListener recorder = new PriListener() {
        @Override
        public void groupSent(Integer pasid, int prgIndex, List<Long> pages, boolean write) {
            trace.add("sent " + prgIndex + " pasid " + pasid + " " + pages.size() + (write ? " write" : " read"));
        }

        @Override
        public void responded(Integer pasid, int prgIndex, long firstPage, PrgResponseCode code) {
            trace.add("responded " + prgIndex + " " + code + " at 0x" + Long.toHexString(firstPage));
        }

        @Override
        public void unexpectedResponse(int prgIndex, Integer pasid) {
            trace.add("unexpected " + prgIndex);
        }

        @Override
        public void timedOut(Integer pasid, int prgIndex, long firstPage, Duration timeout) {
            trace.add("timed out " + prgIndex + " after " + timeout.toMillis() + " ms");
        }
    };
    /** Groups as the SMMU received them: PRG index of each group's Last request. */
    private final LinkedBlockingQueue<Integer> lasts = new LinkedBlockingQueue<>();
    /** Runs as a group is sent, with its PRG index, before the SMMU has it (a test may make a send slow). */
    private volatile IntConsumer sending = index -> {
    };
    private final IommuPort port = new IommuPort() {
        @Override
        public void pageRequests(int sid, Integer pasid, List<PageRequest> requests) {
            int index = requests.get(requests.size() - 1).prgIndex();
            sending.accept(index);
            lasts.add(index);
        }

        @Override
        public List<AtsCompletion> translate(int sid, Integer pasid, List<AtsRequest> pages) {
            throw new AssertionError("not part of this test: the fake only answers what the test drives");
        }

        @Override
        public TransactionOutcome transact(int sid, Integer pasid, Transaction transaction) {
            throw new AssertionError("not part of this test: the fake only answers what the test drives");
        }

        @Override
        public void hotplug(DeviceDescription description) {
            throw new AssertionError("not part of this test: the fake only answers what the test drives");
        }
    };

    private PageRequestInterface pri(long allocation, Duration timeout) {
        PageRequestInterface pri = new PageRequestInterface(SID, new PriCapability(allocation, true), port, recorder, timeout);
        pri.enable(allocation);
        return pri;
    }

    @Test
    void aRequestIsTracedAsItsGroupsSentThenEachResponse() throws Exception {
        PageRequestInterface pri = pri(2, Duration.ofSeconds(20));
        CompletableFuture<PageRequestInterface.Result> result = CompletableFuture.supplyAsync(() ->
                pri.request(5, List.of(0x1000L, 0x2000L, 0x3000L), true, false, false, new FaultCounters()));
        for (int answered = 0; answered < 2; answered++) {
            Integer index = lasts.poll(10, TimeUnit.SECONDS);
            assertThat(index).isNotNull();
            assertThat(pri.respond(index, 5, PrgResponseCode.SUCCESS)).isTrue();
        }
        assertThat(result.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(PageRequestInterface.Outcome.SUCCESS);
        // A group is traced once sent, and a response may overtake that line: only the set is fixed.
        assertThat(trace).containsExactlyInAnyOrder("sent 0 pasid 5 2 write", "responded 0 SUCCESS at 0x1000",
                "sent 1 pasid 5 1 write", "responded 1 SUCCESS at 0x3000");
    }

    @Test
    void groupsOfAtMostTheGroupSizeAreSentTogetherUpToTheAllocation() throws Exception {
        PageRequestInterface pri = new PageRequestInterface(SID, new PriCapability(8, true), port, recorder, Duration.ofSeconds(20), 2);
        pri.enable(8);
        List<Long> pages = List.of(0x1000L, 0x2000L, 0x3000L, 0x4000L, 0x5000L, 0x6000L, 0x7000L, 0x8000L, 0x9000L, 0xa000L);
        CompletableFuture<PageRequestInterface.Result> result = CompletableFuture.supplyAsync(() ->
                pri.request(5, pages, true, false, false, new FaultCounters()));
        // Four groups of two fill the allocation of eight before any response; the fifth waits for credits.
        List<Integer> first = new java.util.ArrayList<>();
        for (int g = 0; g < 4; g++) {
            Integer index = lasts.poll(10, TimeUnit.SECONDS);
            assertThat(index).isNotNull();
            first.add(index);
        }
        assertThat(lasts.poll(200, TimeUnit.MILLISECONDS)).as("no fifth group while the allocation is used up").isNull();
        assertThat(pri.outstanding()).isEqualTo(8);
        assertThat(pri.respond(first.get(0), 5, PrgResponseCode.SUCCESS)).isTrue();
        Integer fifth = lasts.poll(10, TimeUnit.SECONDS);
        assertThat(fifth).as("the credits one response returned carry the fifth group").isNotNull();
        for (int index : first.subList(1, 4)) {
            assertThat(pri.respond(index, 5, PrgResponseCode.SUCCESS)).isTrue();
        }
        assertThat(pri.respond(fifth, 5, PrgResponseCode.SUCCESS)).isTrue();
        assertThat(result.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(PageRequestInterface.Outcome.SUCCESS);
        assertThat(trace.stream().filter(t -> t.startsWith("sent"))).hasSize(5).allMatch(t -> t.endsWith(" 2 write"));
        assertThat(pri.outstanding()).isZero();
    }

    @Test
    void aGroupsRoundTripEndsWhenItsResponseArrivesNotWhenTheSenderHasSentTheNextGroup() throws Exception {
        // The second group's Page Request takes 1.5 s to send (a slow link); the first group is answered at once.
        CompletableFuture<Void> secondSent = new CompletableFuture<>();
        sending = index -> {
            if (index == 1) {
                sleep(1500);
                secondSent.complete(null);
            }
        };
        PageRequestInterface pri = pri(2, Duration.ofSeconds(20));
        JobRecorder rec = new JobRecorder(TimingTable.defaults());
        CompletableFuture<PageRequestInterface.Result> result = CompletableFuture.supplyAsync(() ->
                pri.request(5, List.of(0x1000L, 0x2000L, 0x3000L), true, false, false, new FaultCounters(), rec));
        assertThat(lasts.poll(10, TimeUnit.SECONDS)).isZero();
        assertThat(pri.respond(0, 5, PrgResponseCode.SUCCESS)).isTrue();
        assertThat(lasts.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(pri.respond(1, 5, PrgResponseCode.SUCCESS)).isTrue();
        assertThat(result.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(PageRequestInterface.Outcome.SUCCESS);
        assertThat(secondSent).isDone();
        List<Long> micros = rec.prgRoundTripMicros();
        assertThat(micros).hasSize(2);
        // Group 0 was answered before group 1's send began: its round trip cannot hold that send's 1.5 s.
        assertThat(micros.get(0)).as("group 0's round trip, us").isLessThan(1_000_000L);
        assertThat(micros.get(1)).as("group 1's round trip, us").isGreaterThanOrEqualTo(1_500_000L);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aResponseForNoOutstandingGroupIsTracedAsUnexpected() {
        PageRequestInterface pri = pri(4, Duration.ofSeconds(20));
        assertThat(pri.respond(17, 5, PrgResponseCode.SUCCESS)).isFalse();
        assertThat(trace).containsExactly("unexpected 17");
    }

    @Test
    void aGroupWithoutResponseIsTracedAsTimedOutOnce() {
        PageRequestInterface pri = pri(4, Duration.ofMillis(50));
        PageRequestInterface.Result r = pri.request(null, List.of(0x7000L), false, false, false, new FaultCounters());
        assertThat(r.outcome()).isEqualTo(PageRequestInterface.Outcome.TIMEOUT);
        assertThat(pri.respond(0, null, PrgResponseCode.SUCCESS)).isFalse();
        assertThat(trace).containsExactly("sent 0 pasid null 1 read", "timed out 0 after 50 ms", "unexpected 0");
    }
}
