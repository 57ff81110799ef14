package org.svafabric.api.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;

class FaultInjectorTest {
    private final List<FabricEvent> events = new ArrayList<>();
    private final FaultInjector iommu = new FaultInjector("iommu-service", events::add);

    private static FaultSpec spec(String kind, String device, Long count, Long delay) {
        return new FaultSpec(kind, device, null, count, delay);
    }

    @Test
    void nothingFiresUntilArmed() {
        for (FaultKind k : FaultKind.values()) {
            assertThat(iommu.fire(k, "0000:01:00.0")).isEmpty();
        }
        assertThat(iommu.list()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aCountedFaultFiresThatManyTimesOnItsDeviceOnlyThenClearsItself() {
        iommu.arm(List.of(spec("prg-response-drop", "0000:01:00.0", 2L, null)));
        assertThat(iommu.fire(FaultKind.PRG_RESPONSE_DROP, "0000:02:00.0")).as("another device").isEmpty();
        assertThat(iommu.fire(FaultKind.RESPONSE_FAILURE, "0000:01:00.0")).as("another kind").isEmpty();
        assertThat(iommu.fire(FaultKind.PRG_RESPONSE_DROP, "0000:01:00.0")).isPresent();
        assertThat(iommu.list()).singleElement().satisfies(a -> {
            assertThat(a.fired()).isEqualTo(1);
            assertThat(a.remaining()).isEqualTo(1);
            assertThat(a.owner()).isEqualTo("iommu-service");
        });
        assertThat(iommu.fire(FaultKind.PRG_RESPONSE_DROP, "0000:01:00.0")).isPresent();
        assertThat(iommu.fire(FaultKind.PRG_RESPONSE_DROP, "0000:01:00.0")).isEmpty();
        assertThat(iommu.list()).isEmpty();
        assertThat(events).extracting(FabricEvent::type).containsExactly("FAULT_ARMED", "FAULT_INJECTED", "FAULT_INJECTED");
        assertThat(events.get(2).detail()).contains("cleared");
    }

    @Test
    void anUncountedFaultFiresUntilClearedAndArmingReplacesTheSet() {
        iommu.arm(List.of(spec("evtq-overflow", null, null, null), spec("prg-response-delay", null, null, 50L)));
        for (int i = 0; i < 100; i++) {
            assertThat(iommu.fire(FaultKind.EVTQ_OVERFLOW, null)).isPresent();
        }
        assertThat(iommu.fire(FaultKind.PRG_RESPONSE_DELAY, "any").orElseThrow().delayOrDefault()).isEqualTo(50);
        iommu.arm(List.of(spec("priq-overflow", null, 1L, null)));
        assertThat(iommu.fire(FaultKind.EVTQ_OVERFLOW, null)).isEmpty();
        iommu.clear();
        assertThat(iommu.fire(FaultKind.PRIQ_OVERFLOW, null)).isEmpty();
        assertThat(events).extracting(FabricEvent::type).endsWith("FAULT_CLEARED");
    }

    @Test
    void aBadSetIsRefusedWholeNamingTheEntryAndTheField() {
        iommu.arm(List.of(spec("evtq-overflow", null, null, null)));
        assertThatThrownBy(() -> iommu.arm(List.of(spec("priq-overflow", null, null, null), spec("atc-inv-timeout", null, null, null))))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.getMessage()).startsWith("[1].kind").contains("does not live in iommu-service");
                });
        assertThatThrownBy(() -> iommu.arm(List.of(new FaultSpec("bus-error", null, "iommu-service", 1L, null),
                new FaultSpec("bus-error", null, "iommu-service", 2L, null)))).hasMessageContaining("[1].kind: bus-error is given twice");
        assertThat(iommu.list()).as("the old set stands").extracting(ArmedFault::kind).containsExactly("evtq-overflow");
    }

    @Test
    void aSpecNamesItsBadField() {
        assertThatThrownBy(() -> spec("meteor", null, null, null).validate("faults[0]")).hasMessageStartingWith("faults[0].kind");
        assertThatThrownBy(() -> spec("bus-error", null, 0L, null).validate("faults[0]")).hasMessageStartingWith("faults[0].count");
        assertThatThrownBy(() -> spec("bus-latency", null, null, null).validate("f")).hasMessageStartingWith("f.delayMillis is required");
        assertThatThrownBy(() -> spec("evtq-overflow", "0000:01:00.0", null, null).validate("f")).hasMessageStartingWith("f.device");
        assertThatThrownBy(() -> new FaultSpec("bus-error", null, "mm-service", null, null).validate("f"))
                .hasMessageStartingWith("f.service");
        assertThat(new FaultSpec("bus-error", null, null, null, null).owner()).isEqualTo("device-service");
        assertThat(new FaultSpec("bus-error", null, "iommu-service", null, null).owner()).isEqualTo("iommu-service");
        assertThat(spec("atc-inv-timeout", null, null, null).delayOrDefault()).isEqualTo(FaultSpec.DEFAULT_ATC_DELAY_MILLIS);
    }
}
