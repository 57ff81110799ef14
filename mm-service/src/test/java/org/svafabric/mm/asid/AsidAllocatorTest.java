package org.svafabric.mm.asid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class AsidAllocatorTest {

    private static AsidAllocator eightBit(int cpus) {
        return new AsidAllocator(8, cpus, new SimpleMeterRegistry());
    }

    @Test
    void handsOutDistinctNonZeroAsidsWithinOneGeneration() {
        AsidAllocator a = eightBit(2);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 255; i++) {
            MmContext c = new MmContext();
            a.switchTo(c, 0);
            assertThat(seen.add(c.asid(a))).isTrue();
        }
        assertThat(seen).doesNotContain(0).hasSize(255);
        assertThat(a.generation()).isEqualTo(1);
    }

    @Test
    void rolloverKeepsPinnedAndRunningAsidsAndNeverHandsThemToAnotherMm() {
        AsidAllocator a = eightBit(2);
        MmContext pinned = new MmContext();
        a.switchTo(pinned, 0);
        int pinnedAsid = a.pin(pinned);
        MmContext runningOnCpu1 = new MmContext();
        a.switchTo(runningOnCpu1, 1);
        int cpu1Asid = runningOnCpu1.asid(a);

        // Exhaust the generation on CPU 0 with fresh mms: the 254th new one forces a rollover.
        List<MmContext> others = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            MmContext c = new MmContext();
            a.switchTo(c, 0);
            others.add(c);
        }
        assertThat(a.generation()).isGreaterThan(1);
        for (MmContext c : others) {
            assertThat(c.asid(a)).isNotEqualTo(pinnedAsid).isNotEqualTo(0);
        }
        // The pinned mm keeps its ASID across generations, without being switched to.
        assertThat(pinned.asid(a)).isEqualTo(pinnedAsid);
        a.switchTo(pinned, 0);
        assertThat(pinned.asid(a)).isEqualTo(pinnedAsid);
        // CPU 1 ran its mm through the first rollover: the ASID was reserved and stays its own.
        boolean flushed = a.switchTo(runningOnCpu1, 1);
        assertThat(flushed).as("a rollover requires a TLB flush before the CPU's next switch").isTrue();
        assertThat(runningOnCpu1.asid(a)).isEqualTo(cpu1Asid);
    }

    @Test
    void liveAsidsOfOneGenerationAreUniqueUnderRandomSwitching() {
        AsidAllocator a = eightBit(4);
        Random rnd = new Random(42);
        List<MmContext> mms = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            mms.add(new MmContext());
        }
        List<MmContext> pinned = new ArrayList<>();
        Map<MmContext, Integer> asidWhenPinned = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            MmContext c = mms.get(rnd.nextInt(mms.size()));
            int op = rnd.nextInt(100);
            if (op < 3 && pinned.size() < 20) {
                int asid = a.pin(c);
                Integer before = asidWhenPinned.putIfAbsent(c, asid);
                assertThat(before == null ? asid : before).isEqualTo(asid);
                pinned.add(c);
            } else if (op < 5 && !pinned.isEmpty()) {
                MmContext p = pinned.remove(rnd.nextInt(pinned.size()));
                a.unpin(p);
                if (!pinned.contains(p)) {
                    asidWhenPinned.remove(p);
                }
            } else {
                a.switchTo(c, rnd.nextInt(4));
            }
            // A pinned mm keeps its ASID, whatever rolled over since.
            for (Map.Entry<MmContext, Integer> e : asidWhenPinned.entrySet()) {
                assertThat(e.getKey().asid(a)).as("step %d: pinned ASID moved", step).isEqualTo(e.getValue());
            }
            // Among contexts of the current generation no two share an ASID, and none uses another mm's pinned ASID.
            Map<Integer, MmContext> owner = new HashMap<>();
            for (MmContext m : mms) {
                if (m.id != 0 && (m.id >>> 8) == a.generation()) {
                    MmContext prev = owner.put(m.asid(a), m);
                    assertThat(prev).as("step %d: ASID %d given twice", step, m.asid(a)).isNull();
                }
            }
            for (Map.Entry<MmContext, Integer> e : asidWhenPinned.entrySet()) {
                MmContext holder = owner.get(e.getValue());
                assertThat(holder == null || holder == e.getKey()).as("step %d: pinned ASID %d reused", step, e.getValue()).isTrue();
            }
        }
        assertThat(a.generation()).as("the run rolled over several times").isGreaterThan(3);
    }

    @Test
    void pinsAreRefcountedAndLimitedSoRolloverAlwaysFindsRoom() {
        AsidAllocator a = eightBit(2);
        MmContext c = new MmContext();
        int asid = a.pin(c);
        assertThat(a.pin(c)).isEqualTo(asid);
        a.unpin(c);
        assertThat(a.pinnedCount(c)).isEqualTo(1);
        a.unpin(c);
        assertThatThrownBy(() -> a.unpin(c)).isInstanceOf(ErrnoException.class);

        assertThat(a.maxPinned()).as("2^8 - cpus - 2").isEqualTo(252);
        for (int i = 0; i < 252; i++) {
            a.pin(new MmContext());
        }
        assertThatThrownBy(() -> a.pin(new MmContext()))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
        // Even with every pinnable ASID pinned, unpinned mms still get ASIDs (rollover reuses the rest).
        for (int i = 0; i < 10; i++) {
            MmContext m = new MmContext();
            a.switchTo(m, i % 2);
            assertThat(m.asid(a)).isNotZero();
        }
    }
}
