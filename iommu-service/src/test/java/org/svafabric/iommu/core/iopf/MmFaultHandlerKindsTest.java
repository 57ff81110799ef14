package org.svafabric.iommu.core.iopf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.svafabric.api.timing.DmaEvent.FaultKinds;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.MmFault;
import org.svafabric.iommu.core.port.MmFaultResult;
import org.svafabric.iommu.core.port.MmPort;
import org.svafabric.iommu.core.port.NotifierSubscription;
import org.svafabric.iommu.core.port.ProcessInfo;

/** What handle_mm_fault took is noted for the group's answer, before the handler returns. */
class MmFaultHandlerKindsTest {
    private static final Device PCI = new Device("0000:01:00.0", 0x100, 20, true, true, false, true);
    private static final Device PLATFORM = new Device("smmute0", 16, 8, false, false, true, false);

    /** handle_mm_fault answering from a script: one kind (or a refusal) per call, in order. */
    private static final class ScriptedMm implements MmPort {
        final List<String> kinds = new ArrayList<>();

        @Override
        public List<MmFaultResult> handleMmFault(long pid, List<MmFault> faults) {
            List<MmFaultResult> out = new ArrayList<>();
            for (MmFault f : faults) {
                String k = kinds.remove(0);
                out.add(k == null ? MmFaultResult.failure(f.addr(), "no VMA") : MmFaultResult.success(f.addr(), k));
            }
            return out;
        }

        @Override
        public Optional<ProcessInfo> process(long pid) {
            return Optional.empty();
        }

        @Override
        public int pinAsid(long pid) {
            return 0;
        }

        @Override
        public void unpinAsid(long pid) {
        }

        @Override
        public NotifierSubscription subscribe(long pid) {
            throw new AssertionError("not part of this test: the fake only answers what the test drives");
        }

        @Override
        public void unsubscribe(long pid, long subscriptionId) {
        }
    }

    private final ScriptedMm mm = new ScriptedMm();
    private final FaultKindNotes notes = new FaultKindNotes();
    private final MmFaultHandler handler = new MmFaultHandler(pasid -> OptionalLong.of(42), mm, notes);

    @Test
    void aGroupsKindsAreNotedByItsPrgIndex() {
        mm.kinds.addAll(List.of("minor", "major", "swap-in", "major"));
        IopfGroup g = new IopfGroup(PCI, List.of(
                IopfFault.pageRequest(PCI, 5, 3, false, true, true, false, false, 0x1000),
                IopfFault.pageRequest(PCI, 5, 3, false, true, true, false, false, 0x2000),
                IopfFault.pageRequest(PCI, 5, 3, false, true, true, false, false, 0x3000),
                IopfFault.pageRequest(PCI, 5, 3, true, true, true, false, false, 0x4000)), 0);

        assertThat(handler.handle(g)).isEqualTo(PrgResponseCode.SUCCESS);
        assertThat(notes.takeGroup(PCI.id(), 3)).isEqualTo(new FaultKinds(1, 2, 1));
    }

    @Test
    void aRefusedGroupStillNotesWhatWasServiced() {
        mm.kinds.add("major");
        mm.kinds.add(null);
        IopfGroup g = new IopfGroup(PCI, List.of(
                IopfFault.pageRequest(PCI, 5, 9, false, true, true, false, false, 0x1000),
                IopfFault.pageRequest(PCI, 5, 9, true, true, true, false, false, 0x2000)), 0);

        assertThat(handler.handle(g)).isEqualTo(PrgResponseCode.INVALID);
        assertThat(notes.takeGroup(PCI.id(), 9)).isEqualTo(new FaultKinds(0, 1, 0));
    }

    @Test
    void aStallsKindsAreNotedByItsPage() {
        mm.kinds.add("major");
        IopfGroup g = new IopfGroup(PLATFORM, List.of(IopfFault.stall(PLATFORM, 5, 77, true, false, false, 0x7000_0123L)), 0);

        assertThat(handler.handle(g)).isEqualTo(PrgResponseCode.SUCCESS);
        assertThat(notes.takeStalls(PLATFORM.id(), 0x7000_0000L, 0x7000_0000L)).isEqualTo(new FaultKinds(0, 1, 0));
    }
}
