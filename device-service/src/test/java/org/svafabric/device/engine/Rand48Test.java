package org.svafabric.device.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Rand48Test {

    /*
     * By hand, seed 42: X0 = (42 << 16) | 0x330E = 0x2A330E.
     * X1 = (0x5DEECE66D * 0x2A330E + 0xB) mod 2^48 = 0xBE9930BE_xxxx with bits [47:16] = 0xBE9930BE,
     * the value glibc's mrand48() returns first after srand48(42) (-1097256770 as a signed int).
     */
    @Test
    void firstOutputOfSeed42IsBitsFortySevenToSixteenOfX1() {
        assertThat(new Rand48(42).next32()).isEqualTo(0xBE9930BE);
    }

    @Test
    void secondAndThirdOutputsFollowTheRecurrence() {
        Rand48 r = new Rand48(42);
        r.next32();
        assertThat(r.next32()).isEqualTo(0x57BB48BB);
        assertThat(r.next32()).isEqualTo(0x1C7015C7);
    }

    @Test
    void bytesAreEachOutputLittleEndianAndATailTakesTheLowBytesOfTheNextOutput() {
        byte[] b = new byte[6];
        new Rand48(42).fill(b);
        assertThat(b).containsExactly(0xBE, 0x30, 0x99, 0xBE, 0xBB, 0x48);
    }

    @Test
    void aStreamFilledInPiecesEqualsOneFilledAtOnce() {
        byte[] whole = new byte[24];
        new Rand48(7).fill(whole);
        Rand48 r = new Rand48(7);
        byte[] a = new byte[5];
        byte[] b = new byte[19];
        r.fill(a);
        r.fill(b);
        byte[] joined = new byte[24];
        System.arraycopy(a, 0, joined, 0, 5);
        System.arraycopy(b, 0, joined, 5, 19);
        assertThat(joined).isEqualTo(whole);
    }
}
