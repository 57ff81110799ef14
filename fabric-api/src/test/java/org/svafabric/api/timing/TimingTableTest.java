package org.svafabric.api.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

class TimingTableTest {

    @Test
    void everyCostHasItsDefault() {
        TimingTable t = TimingTable.defaults();
        for (Cost c : Cost.values()) {
            assertThat(t.nanos(c)).as(c.key()).isEqualTo(c.defaultNanos());
        }
        assertThat(t.asMap()).hasSize(Cost.values().length).containsEntry("walkDescriptorRead", 68L);
        assertThat(t.iopfWorkers()).isEqualTo(4);
    }

    @Test
    void anOverrideReplacesOnlyTheCostsItNames() {
        TimingTable t = TimingTable.defaults().with(Map.of("atsRoundTrip", 900L, "atcHit", 0L));

        assertThat(t.nanos(Cost.ATS_ROUND_TRIP)).isEqualTo(900);
        assertThat(t.nanos(Cost.ATC_HIT)).isZero();
        assertThat(t.nanos(Cost.ATC_MISS)).isEqualTo(2);
        assertThat(TimingTable.defaults().with(null)).isSameAs(TimingTable.defaults());
    }

    @Test
    void anUnknownCostIsRefusedByName() {
        assertThatThrownBy(() -> TimingTable.defaults().with(Map.of("atcHits", 1L)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("timing.atcHits is not a cost");
    }

    @Test
    void aNegativeOrMissingPriceIsRefused() {
        assertThatThrownBy(() -> TimingTable.defaults().with(Map.of("tlbi", -1L)))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("timing.tlbi must be a number of nanoseconds >= 0");
        Map<String, Long> nullPrice = new HashMap<>();
        nullPrice.put("cmdSync", null);
        assertThatThrownBy(() -> TimingTable.defaults().with(nullPrice)).hasMessageContaining("timing.cmdSync");
    }

    @Test
    void pinningAndUnpinningArePricedPerPage() {
        // 16 pages x 300 = 4800 to pin, 16 x 150 = 2400 to unpin.
        assertThat(TimingTable.defaults().pinNanos(16)).isEqualTo(4800);
        assertThat(TimingTable.defaults().unpinNanos(16)).isEqualTo(2400);
        assertThat(TimingTable.defaults().with(Map.of("pinPerPage", 1000L)).pinNanos(3)).isEqualTo(3000);
    }

    @Test
    void anInvalidationIsItsCommandsThenOneSync() {
        // 2 TLBIs (200) + 2 ATC_INVs (1200) and the completions answered together (2000) + CMD_SYNC (800) = 4200;
        // without ATS: 2 TLBIs + CMD_SYNC = 1000.
        assertThat(TimingTable.defaults().invalidationNanos(2, 2)).isEqualTo(4200);
        assertThat(TimingTable.defaults().invalidationNanos(2, 0)).isEqualTo(1000);
    }

    @Test
    void iopfWorkersMustBePositive() {
        assertThatThrownBy(() -> TimingTable.defaults().withIopfWorkers(0)).isInstanceOf(ErrnoException.class);
        assertThat(TimingTable.defaults().withIopfWorkers(2).iopfWorkers()).isEqualTo(2);
    }
}
