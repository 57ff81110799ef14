package org.svafabric.iommu.hw.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Field;

class GlobalErrorsTest {
    private final AtomicInteger irqs = new AtomicInteger();
    private final GlobalErrors gerror = new GlobalErrors(irqs::incrementAndGet);

    @Test
    void anErrorIsActiveWhileGerrorDiffersFromGerrorn() {
        assertThat(gerror.raise(GlobalErrors.CMDQ_ERR)).isTrue();
        assertThat(gerror.gerror()).isEqualTo(0x1);
        assertThat(gerror.isActive(GlobalErrors.CMDQ_ERR)).isTrue();
        gerror.writeGerrorn(gerror.gerror());
        assertThat(gerror.isActive(GlobalErrors.CMDQ_ERR)).isFalse();
        // the next occurrence toggles the bit back to 0, and is active again
        gerror.raise(GlobalErrors.CMDQ_ERR);
        assertThat(gerror.gerror()).isZero();
        assertThat(gerror.isActive(GlobalErrors.CMDQ_ERR)).isTrue();
        assertThat(irqs).hasValue(2);
    }

    @Test
    void raisingAnActiveErrorAgainChangesNothing() {
        gerror.raise(GlobalErrors.EVTQ_ABT_ERR);
        assertThat(gerror.raise(GlobalErrors.EVTQ_ABT_ERR)).isFalse();
        assertThat(gerror.gerror()).isEqualTo(0x4);
        assertThat(irqs).hasValue(1);
    }

    @Test
    void acknowledgementNamesOnlyTheErrorsItDeactivated() {
        List<Field> acked = new ArrayList<>();
        gerror.onAcknowledge(acked::add);
        gerror.raise(GlobalErrors.CMDQ_ERR);
        gerror.raise(GlobalErrors.PRIQ_ABT_ERR);
        gerror.writeGerrorn(0x8);
        assertThat(acked).containsExactly(GlobalErrors.PRIQ_ABT_ERR);
        gerror.writeGerrorn(0x9);
        assertThat(acked).containsExactly(GlobalErrors.PRIQ_ABT_ERR, GlobalErrors.CMDQ_ERR);
    }
}
