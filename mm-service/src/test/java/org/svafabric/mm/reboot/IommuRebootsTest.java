package org.svafabric.mm.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.mm.process.Mm;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.mm.process.Prot;
import org.svafabric.mm.process.TestMachine;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Watermarks;

/** A rebooted SMMU driver's kernel pages, notifiers and ASID pins go with it; nobody else's do. */
class IommuRebootsTest {
    private static final String IOMMU = "http://127.0.0.1:9162";

    private final TestMachine t = TestMachine.small();
    private final KernelPageAllocator kernel = new KernelPageAllocator(t.machine.frames());
    private final IommuReboots reboots = new IommuReboots(t.processes, kernel, t.machine.asids(), IOMMU);

    @Test
    void theOldDriversPagesNotifiersAndAsidPinsAreReleased() {
        long free = t.machine.frames().freeFrames();
        kernel.allocate("iommu-smmu0", 4);
        kernel.allocate("iommu-smmu0", 1);
        kernel.allocate("gateway-test", 2);
        Mm mm = t.newMm();
        mm.notifiers().subscribe(IOMMU + "/iommu/v1/mm-notifier/" + mm.pid(), false);
        mm.notifiers().subscribe("http://127.0.0.1:9999/other/" + mm.pid(), false);
        t.machine.asids().pin(mm.context());
        t.machine.asids().pin(mm.context());

        reboots.peerRebooted(new PeerReboot(BootId.IOMMU, "a", "b"));

        assertThat(kernel.byOwner()).containsOnlyKeys("gateway-test");
        assertThat(mm.notifiers().subscriptions()).singleElement()
                .satisfies(s -> assertThat(s.callbackUrl()).startsWith("http://127.0.0.1:9999"));
        assertThat(t.machine.asids().pinnedCount(mm.context())).isZero();
        assertThat(free - t.machine.frames().freeFrames()).as("only the other owner's 2 pages and the mm's own stay")
                .isLessThanOrEqualTo(2 + mm.pageTable().tableFrames());
    }

    @Test
    void anExitTheOldDriverBlockedIsFinished() {
        TestMachine down = new TestMachine(4096, new Watermarks(0, 0, 0),
                (url, body, timeout) -> CompletableFuture.failedFuture(new IOException("connection refused")),
                Duration.ofSeconds(1), 16);
        IommuReboots r = new IommuReboots(down.processes, new KernelPageAllocator(down.machine.frames()), down.machine.asids(), IOMMU);
        long free = down.machine.frames().freeFrames();
        Mm mm = down.newMm();
        long addr = down.memoryMap.mmap(mm, 16 * 4096L, Prot.RW, true, 0);
        mm.notifiers().subscribe(IOMMU + "/iommu/v1/mm-notifier/" + mm.pid(), false);
        assertThat(addr).isPositive();
        assertThatThrownBy(() -> down.processes.exit(mm.pid()));
        assertThat(down.processes.any(mm.pid()).state()).isEqualTo(ProcessState.EXITING);

        r.peerRebooted(new PeerReboot(BootId.IOMMU, "a", "b"));

        assertThat(down.processes.any(mm.pid()).state()).isEqualTo(ProcessState.EXITED);
        assertThat(down.machine.frames().freeFrames()).as("the exited process's frames are free again").isEqualTo(free);
    }

    @Test
    void anotherServicesRebootChangesNothing() {
        kernel.allocate("iommu-smmu0", 3);
        reboots.peerRebooted(new PeerReboot(BootId.DEVICE, "a", "b"));
        assertThat(kernel.byOwner()).containsEntry("iommu-smmu0", 3L);
    }

    @Test
    void freeAllReturnsThePagesFreed() {
        kernel.allocate("iommu-a", 3);
        kernel.allocate("iommu-b", 2);
        kernel.allocate("keep", 1);
        assertThat(kernel.freeAll(o -> o.startsWith("iommu-"))).isEqualTo(5);
        assertThat(kernel.freeAll(o -> o.startsWith("iommu-"))).isZero();
        assertThat(kernel.allocations()).singleElement().satisfies(a -> assertThat(a.owner()).isEqualTo("keep"));
    }
}
