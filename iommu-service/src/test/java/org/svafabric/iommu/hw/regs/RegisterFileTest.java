package org.svafabric.iommu.hw.regs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.Gbpa;

class RegisterFileTest {
    private final RegisterFile regs = new RegisterFile(IdRegisters.of(SmmuConfig.defaults()));

    @Test
    void idRegistersReadAtTheirPage0OffsetsAndIgnoreWrites() {
        assertThat(regs.read32(0x00)).isEqualTo(0x08C9_749A);
        assertThat(regs.read32(0x04)).isEqualTo(0x0107_3D10);
        assertThat(regs.read32(0x0c)).isEqualTo(0x400);
        assertThat(regs.read32(0x14)).isEqualTo(0x0100_0015);
        regs.write32(0x00, 0);
        assertThat(regs.read32(0x00)).isEqualTo(0x08C9_749A);
    }

    @Test
    void cr0AckFollowsCr0AndListenersHearTheChange() {
        List<long[]> changes = new ArrayList<>();
        regs.onCr0Change((o, n) -> changes.add(new long[]{o, n}));
        regs.write32(0x20, 0b1_1101); // ATSCHK, CMDQEN, EVTQEN, SMMUEN
        assertThat(regs.read32(0x24)).isEqualTo(0b1_1101);
        regs.write32(0x20, 0b1_1101);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0)).containsExactly(0L, 0b1_1101L);
    }

    @Test
    void cr0KeepsOnlyImplementedBits() {
        regs.write32(0x20, 0xffff_ffff);
        assertThat(regs.read32(0x20)).isEqualTo(0x1f);
    }

    @Test
    void streamTableBaseAndCr2AreReadOnlyWhileSmmuenIsSet() {
        regs.write64(0x80, 0x4000_1000L);
        regs.write32(0x88, 0x1_0208);
        regs.write32(0x2c, 0b0010);
        regs.write32(0x20, 1);
        regs.write64(0x80, 0x8000_0000L);
        regs.write32(0x88, 0);
        regs.write32(0x2c, 0);
        assertThat(regs.read64(0x80)).isEqualTo(0x4000_1000L);
        assertThat(regs.read32(0x88)).isEqualTo(0x1_0208);
        assertThat(regs.read32(0x2c)).isEqualTo(0b0010);
        regs.write32(0x20, 0);
        regs.write64(0x80, 0x8000_0000L);
        assertThat(regs.read64(0x80)).isEqualTo(0x8000_0000L);
    }

    @Test
    void gbpaResetsToAbortAndCompletesAnUpdateAtOnce() {
        assertThat(Gbpa.ABORT.isSet(regs.read32(0x44))).isTrue();
        regs.write32(0x44, 0x8000_0000); // UPDATE = 1, ABORT = 0
        assertThat(regs.read32(0x44)).isZero();
    }

    @Test
    void queueRegistersGoThroughHooksAndPage1Aliases() {
        AtomicLong prod = new AtomicLong();
        regs.onWrite(SmmuReg.CMDQ_PROD, prod::set);
        regs.onRead(SmmuReg.CMDQ_CONS, () -> 0x8000_0005L);
        regs.onRead(SmmuReg.EVTQ_PROD, () -> 7);
        regs.write32(0x98, 0x12);
        assertThat(prod.get()).isEqualTo(0x12);
        assertThat(regs.read32(SmmuReg.CMDQ_CONS)).isEqualTo(0x8000_0005);
        assertThat(regs.read32(0x100a8)).isEqualTo(7);
        assertThat(regs.read32(0xa8)).isEqualTo(7);
    }

    @Test
    void sixtyFourBitRegistersAcceptTwoThirtyTwoBitHalves() {
        regs.write32(0x90, 0x1234_5008);
        regs.write32(0x94, 0x4000_0000);
        assertThat(regs.read64(0x90)).isEqualTo(0x4000_0000_1234_5008L);
        assertThat(regs.read32(0x94)).isEqualTo(0x4000_0000);
    }

    @Test
    void reservedOffsetsReadAsZeroAndIgnoreWrites() {
        regs.write32(0x1f0, 5);
        assertThat(regs.read32(0x1f0)).isZero();
    }

    @Test
    void snapshotNamesEveryRegister() {
        assertThat(regs.snapshot()).containsEntry("IDR0", 0x08C9_749AL).containsKeys("CR0", "STRTAB_BASE_CFG", "PRIQ_CONS");
        assertThat(regs.snapshot()).hasSize(SmmuReg.values().length);
    }
}
