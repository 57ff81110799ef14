package org.svafabric.device.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.Rig;

/**
 * Every engine op through a PCIe function with ATS (translated accesses) and through the SMMU's
 * transaction port (a platform device), against results computed here; the bytes around the
 * DMA window (guards) must not change.
 */
class DmaOpsTest {
    private static final int PASID = 5;
    private static final long BUF = 0x7f00_0000_0000L;
    /** Not page aligned and not a multiple of the segment: exercises partial pages and a short last segment. */
    private static final int LEN = 3 * 16 * 1024 + 1000;
    private static final long SRC = BUF + 0x123;
    private static final long DST = BUF + 0x40_0000 + 0x456;
    private static final byte GUARD = (byte) 0xA5;

    private Rig rig;
    private AddressSpace mm;

    private void setUp(String kind) {
        rig = "ats".equals(kind) ? Rig.sva(8, 64, 1, 4) : Rig.platform(1, 4);
        mm = rig.smmu.bind(PASID);
        // Both windows with a guard page on either side, populated and filled with the guard pattern.
        for (long base : new long[] {SRC, DST}) {
            long start = base - 4096 - (base & 0xfff);
            long len = LEN + 3 * 4096L;
            mm.populate(start, len, true);
            byte[] g = new byte[(int) len];
            Arrays.fill(g, GUARD);
            mm.write(start, g);
        }
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private byte[] pattern(long seed) {
        byte[] b = new byte[LEN];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void assertGuardsIntact(long base) {
        byte[] before = mm.read(base - 4096, 4096);
        byte[] after = mm.read(base + LEN, 4096);
        byte[] g = new byte[4096];
        Arrays.fill(g, GUARD);
        assertThat(before).as("guard below 0x%x", base).isEqualTo(g);
        assertThat(after).as("guard above 0x%x", base).isEqualTo(g);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ats", "platform"})
    void memcpyCopiesTheSourceExactly(String kind) {
        setUp(kind);
        byte[] src = pattern(1);
        mm.write(SRC, src);
        Job j = rig.run("memcpy", PASID, SRC, DST, LEN, 0, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.bytes()).isEqualTo(LEN);
        assertThat(mm.read(DST, LEN)).isEqualTo(src);
        assertGuardsIntact(DST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ats", "platform"})
    void memsetFillsWithTheByte(String kind) {
        setUp(kind);
        Job j = rig.run("memset", PASID, 0, DST, LEN, 0x3c, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        byte[] expected = new byte[LEN];
        Arrays.fill(expected, (byte) 0x3c);
        assertThat(mm.read(DST, LEN)).isEqualTo(expected);
        assertGuardsIntact(DST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ats", "platform"})
    void rand48WritesTheMrand48StreamLittleEndian(String kind) {
        setUp(kind);
        Job j = rig.run("rand48", PASID, 0, DST, LEN, 0, 42);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        byte[] out = mm.read(DST, LEN);
        // The first word by hand (see Rand48Test): 0xBE9930BE, stored little-endian.
        assertThat(Arrays.copyOf(out, 4)).containsExactly(0xBE, 0x30, 0x99, 0xBE);
        // The rest from the recurrence itself, written independently of the engine.
        long x = (42L << 16) | 0x330E;
        ByteBuffer expected = ByteBuffer.allocate(LEN + 4).order(ByteOrder.LITTLE_ENDIAN);
        while (expected.position() < LEN) {
            x = (0x5DEECE66DL * x + 0xB) & ((1L << 48) - 1);
            expected.putInt((int) (x >>> 16));
        }
        assertThat(out).isEqualTo(Arrays.copyOf(expected.array(), LEN));
        assertGuardsIntact(DST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ats", "platform"})
    void sum64AddsTheLittleEndianWords(String kind) {
        setUp(kind);
        int len = 6 * 1024 * 8;
        byte[] src = new byte[len];
        ByteBuffer b = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
        long expected = 0;
        for (int i = 0; i < len / 8; i++) {
            long w = (long) i * 0x0101_0101_0101L - 7;
            b.putLong(w);
            expected += w;
        }
        mm.write(SRC, src);
        Job j = rig.run("sum64", PASID, SRC, 0, len, 0, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.result()).isEqualTo("0x" + Long.toHexString(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ats", "platform"})
    void compareFindsTheFirstDifferingOffset(String kind) {
        setUp(kind);
        byte[] src = pattern(2);
        mm.write(SRC, src);
        mm.write(DST, src);
        assertThat(rig.run("compare", PASID, SRC, DST, LEN, 0, 0).result()).isEqualTo("equal");
        mm.write(DST + 40_000, new byte[] {(byte) ~src[40_000]});
        Job j = rig.run("compare", PASID, SRC, DST, LEN, 0, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.result()).isEqualTo("0x" + Integer.toHexString(40_000));
    }
}
