package org.svafabric.iommu.hw.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Field;
import org.svafabric.iommu.hw.layout.Gerror;

class GlobalErrorsTest {
    private final AtomicInteger irqs = new AtomicInteger();
    private final GlobalErrors gerror = new GlobalErrors(irqs::incrementAndGet);

    @Test
    void anErrorIsActiveWhileGerrorDiffersFromGerrorn() {
        assertThat(gerror.raise(Gerror.CMDQ_ERR)).isTrue();
        assertThat(gerror.gerror()).isEqualTo(0x1);
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isTrue();
        gerror.writeGerrorn(gerror.gerror());
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isFalse();
        // the next occurrence toggles the bit back to 0, and is active again
        gerror.raise(Gerror.CMDQ_ERR);
        assertThat(gerror.gerror()).isZero();
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isTrue();
        assertThat(irqs).hasValue(2);
    }

    @Test
    void raisingAnActiveErrorAgainChangesNothing() {
        gerror.raise(Gerror.EVTQ_ABT_ERR);
        assertThat(gerror.raise(Gerror.EVTQ_ABT_ERR)).isFalse();
        assertThat(gerror.gerror()).isEqualTo(0x4);
        assertThat(irqs).hasValue(1);
    }

    @Test
    void acknowledgementNamesOnlyTheErrorsItDeactivated() {
        List<Field> acked = new ArrayList<>();
        gerror.onAcknowledge(acked::add);
        gerror.raise(Gerror.CMDQ_ERR);
        gerror.raise(Gerror.PRIQ_ABT_ERR);
        gerror.writeGerrorn(0x8);
        assertThat(acked).containsExactly(Gerror.PRIQ_ABT_ERR);
        gerror.writeGerrorn(0x9);
        assertThat(acked).containsExactly(Gerror.PRIQ_ABT_ERR, Gerror.CMDQ_ERR);
    }
}
