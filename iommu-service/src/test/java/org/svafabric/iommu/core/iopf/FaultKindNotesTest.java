package org.svafabric.iommu.core.iopf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.timing.DmaEvent.FaultKinds;

class FaultKindNotesTest {
    private final FaultKindNotes notes = new FaultKindNotes();

    @Test
    void aGroupsKindsAreTakenOnceByItsDeviceAndPrgIndex() {
        notes.noteGroup("dev-0x100", 7, new FaultKinds(1, 2, 0));
        assertThat(notes.takeGroup("dev-0x200", 7)).as("another device").isEqualTo(FaultKinds.NONE);
        assertThat(notes.takeGroup("dev-0x100", 7)).isEqualTo(new FaultKinds(1, 2, 0));
        assertThat(notes.takeGroup("dev-0x100", 7)).as("taken already").isEqualTo(FaultKinds.NONE);
    }

    @Test
    void aTransactionTakesTheStallsOfItsPagesOnly() {
        notes.noteStall("dev-16", 0x1000, new FaultKinds(0, 1, 0));
        notes.noteStall("dev-16", 0x2000, new FaultKinds(0, 0, 1));
        notes.noteStall("dev-16", 0x9000, new FaultKinds(1, 0, 0));
        notes.noteGroup("dev-16", 0x2000, new FaultKinds(5, 5, 5));

        assertThat(notes.takeStalls("dev-16", 0x1000, 0x2000)).isEqualTo(new FaultKinds(0, 1, 1));
        assertThat(notes.takeStalls("dev-16", 0x1000, 0x2000)).isEqualTo(FaultKinds.NONE);
        assertThat(notes.takeGroup("dev-16", 0x2000)).as("a PRG index is not a page").isEqualTo(new FaultKinds(5, 5, 5));
        assertThat(notes.takeStalls("dev-16", 0x9000, 0x9000)).isEqualTo(new FaultKinds(1, 0, 0));
    }

    @Test
    void notesNobodyTakesAreDroppedOldestFirst() {
        for (int i = 0; i <= FaultKindNotes.CAPACITY; i++) {
            notes.noteGroup("dev-1", i, new FaultKinds(1, 0, 0));
        }
        assertThat(notes.takeGroup("dev-1", 0)).isEqualTo(FaultKinds.NONE);
        assertThat(notes.takeGroup("dev-1", FaultKindNotes.CAPACITY)).isEqualTo(new FaultKinds(1, 0, 0));
    }
}
