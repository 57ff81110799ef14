package org.svafabric.device.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.timing.ModelTime;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/**
 * The model clock of real jobs through the device's DMA paths over the scripted {@link FakeSmmu#scripted()}, which
 * reports every translation as a walk of 4 descriptor reads after an STE and a CD fetch, and the kind of each fault
 * it services: the device's pricing is checked against a known amount of SMMU work, by hand (the real model's IOTLB
 * and configuration cache would make the figures a test of its caching instead). Defaults: atcHit/atcMiss 2, atsRoundTrip 600, steFetch/cdFetch 68, tcuMiss 35, tbuToTcuMiss 15,
 * walkDescriptorRead 68, priQueueWrite 70, priInterrupt 1500, iopfHandling 1000, mmFaultMajor 1200,
 * prgResponse 600, stallResume 2500, dmaTransfer 40 ns/KiB. The rig's segment is 16 KiB (4 pages).
 */
@Timeout(30)
class JobModelTest {
    private static final int PASID = 9;
    private static final long SRC = 0x7f00_0000_0000L;
    private static final long DST = 0x7f00_0010_0000L;
    private static final int LEN = 16 * 1024;

    private Rig rig;

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aColdMemcpyPaysForItsPageRequestsAndAWarmOneOnlyForHitsAndTheLink() {
        rig = Rig.sva(16, 64, 1, 4, FakeSmmu.scripted());
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.populate(SRC, LEN, true);
        mm.allow(DST, LEN, true);

        Job cold = rig.run("memcpy", PASID, SRC, DST, LEN, 0, 0);
        // src, resident, ATC empty: 4 misses (8) + ATS: 600 + STE 68 + CD 68 + 4 walks (140) + 16 reads (1088) = 1964,
        //   4 hits (8) + 16 KiB read (640)                                                       -> 2620
        // dst, never touched: 4 misses (8) + ATS, no translation (1964);
        //   one group of 4 (allocation 16): 4 x 70 + 1500 = 1780, + 1000 + 4 x 1200 = 7580, + 600 = 8180;
        //   4 misses (8) + ATS (1964) + 4 hits (8) + 16 KiB write (640)                          -> 12772
        // 2620 + 12772 = 15392.
        assertThat(cold.status()).isEqualTo(JobStatus.COMPLETED);
        ModelTime coldModel = cold.recorder().model();
        assertThat(coldModel.nanos()).isEqualTo(15392);
        assertThat(coldModel.breakdown()).containsEntry("mmFaultMajor", 4800L).containsEntry("priQueueWrite", 280L)
                .containsEntry("priInterrupt", 1500L).containsEntry("prgResponse", 600L).containsEntry("atsRoundTrip", 1800L);
        assertThat(cold.recorder().prgRoundTripMicros()).hasSize(1);

        Job warm = rig.run("memcpy", PASID, SRC, DST, LEN, 0, 0);
        // Every page in the ATC now: 4 hits (8) + 640, twice = 1296.
        assertThat(warm.recorder().model()).isEqualTo(new ModelTime(1296, Map.of("atcHit", 16L, "dmaTransfer", 1280L)));
        assertThat(warm.recorder().prgRoundTripMicros()).isEmpty();
    }

    @Test
    void aJobsOverridesPriceItsOwnClockOnly() {
        rig = Rig.sva(16, 64, 1, 4, FakeSmmu.scripted());
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.populate(SRC, LEN, true);
        rig.run("memset", PASID, 0, SRC, LEN, 1, 0);

        Job fastLink = rig.driver.submit(JobSpec.of("memset", PASID, null, SRC, (long) LEN, 1, null, 1L << 24), null,
                TimingTable.defaults().with(Map.of("dmaTransfer", 10L, "atcHit", 0L))).done().join();
        // 4 hits at 0 + 16 KiB at 10 ns/KiB = 160; the breakdown still names the hits it priced at 0.
        assertThat(fastLink.recorder().model()).isEqualTo(new ModelTime(160, Map.of("atcHit", 0L, "dmaTransfer", 160L)));
    }

    @Test
    void aStalledWriteOfAPlatformDeviceIsPricedWithItsResume() {
        rig = Rig.platform(1, 4, FakeSmmu.scripted());
        rig.smmu.stall(FakeSmmu.Stall.RESUME_RETRY);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(DST, 4096, true);

        Job j = rig.run("memset", PASID, 0, DST, 4096, 7, 0);
        // stall: 2500 + 1000 + one major fault 1200 = 4700; the transaction: STE + CD (136), 2 walks (the retry
        // walks again) 70 + 8 reads 544 + 2 TBU->TCU 30 = 780; 4 KiB written 160. 4700 + 780 + 160 = 5640.
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.recorder().model().nanos()).isEqualTo(5640);
        assertThat(j.recorder().model().breakdown()).containsEntry("stallResume", 2500L).containsEntry("mmFaultMajor", 1200L);
    }

    @Test
    void atMost1024RoundTripsAreKept() {
        JobRecorder r = new JobRecorder(TimingTable.defaults());
        for (int i = 0; i < 1500; i++) {
            r.prgRoundTrip(i * 1000L + 999);
        }
        assertThat(r.prgRoundTripMicros()).hasSize(JobRecorder.MAX_ROUND_TRIPS).startsWith(0L, 1L, 2L).endsWith(1023L);
    }
}
