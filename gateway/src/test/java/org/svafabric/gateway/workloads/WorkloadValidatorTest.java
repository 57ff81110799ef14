package org.svafabric.gateway.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

class WorkloadValidatorTest {
    private final FakeFabric fabric = new FakeFabric();
    private final WorkloadValidator validator = new WorkloadValidator(WorkloadLimits.defaults(), fabric);

    private static WorkloadRequest req(List<String> devices, int processes, long buffer, String op, String mode, String fault,
                                       int concurrency, Integer duration, Integer jobs) {
        return new WorkloadRequest(devices, processes, buffer, op, mode, fault, concurrency, duration, jobs, null, null);
    }

    private static WorkloadRequest ok() {
        return req(List.of("sva0"), 1, 65536, "memcpy", "sva", "warm", 2, null, 4);
    }

    private void refused(WorkloadRequest r, Errno errno, String detail) {
        assertThatThrownBy(() -> validator.check(r)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.errno()).isEqualTo(errno);
            assertThat(e.getMessage()).contains(detail);
        });
    }

    @Test
    void aGoodRequestBecomesAPlanWithSlotsSpreadOverTheDevices() {
        WorkloadPlan p = validator.check(req(List.of("sva0", "sva1"), 3, 65536, "MEMCPY", "SVA", "cold", 4, 5, null));
        assertThat(p.deviceOfSlot(1).id()).isEqualTo("sva1");
        assertThat(p.deviceOfSlot(2).id()).isEqualTo("sva0");
        assertThat(p.processOfSlot(4)).isEqualTo(1);
        assertThat(p.buffersPerSlot()).isEqualTo(2);
        assertThat(p.reclaimEverySeconds()).isEqualTo(1);
    }

    @Test
    void anUnknownDeviceIsENODEV() {
        refused(req(List.of("nope"), 1, 65536, "memcpy", "sva", "warm", 1, null, 1), Errno.ENODEV, "nope");
    }

    @Test
    void zeroProcessesIsEINVAL() {
        refused(req(List.of("sva0"), 0, 65536, "memcpy", "sva", "warm", 1, null, 1), Errno.EINVAL, "processes must be 1..64");
    }

    @Test
    void aBufferOverTheEnginesLongestJobOrNotInPagesIsEINVAL() {
        refused(req(List.of("sva0"), 1, (1L << 30) + 4096, "memcpy", "sva", "warm", 1, null, 1), Errno.EINVAL, "longest job");
        refused(req(List.of("sva0"), 1, 1000, "memcpy", "sva", "warm", 1, null, 1), Errno.EINVAL, "multiple of the 4 KiB page");
    }

    @Test
    void buffersOverTheFreeRamAreENOMEM() {
        refused(req(List.of("sva0", "sva1"), 1, 64L << 20, "memcpy", "sva", "warm", 16, null, 1), Errno.ENOMEM, "pages of 4 KiB");
    }

    @Test
    void pinnedOnADeviceWhoseGroupIsInAnotherContainerIsEBUSY() {
        refused(req(List.of("taken"), 1, 65536, "memcpy", "pinned", "warm", 1, null, 1), Errno.EBUSY, "private domain");
    }

    @Test
    void pinnedWithSeveralProcessesIsEINVAL() {
        refused(req(List.of("classic"), 2, 65536, "memcpy", "pinned", "warm", 1, null, 1), Errno.EINVAL, "processes must be 1");
    }

    @Test
    void svaOnADeviceWithoutPasidIsEINVAL() {
        refused(req(List.of("classic"), 1, 65536, "memcpy", "sva", "warm", 1, null, 1), Errno.EINVAL, "needs PASID");
    }

    @Test
    void concurrencyOverADevicesEngineQueueIsEINVAL() {
        refused(req(List.of("sva0", "classic"), 1, 4096, "memcpy", "pinned", "warm", 10, null, 1), Errno.EINVAL,
                "puts 5 jobs in flight on classic, whose engine queue holds 4");
    }

    @Test
    void unknownOpModeOrFaultModeIsEINVAL() {
        refused(req(List.of("sva0"), 1, 65536, "rand48", "sva", "warm", 1, null, 1), Errno.EINVAL, "op must be memcpy or memset");
        refused(req(List.of("sva0"), 1, 65536, "memcpy", "dma", "warm", 1, null, 1), Errno.EINVAL, "mode must be sva or pinned");
        refused(req(List.of("sva0"), 1, 65536, "memcpy", "sva", "tepid", 1, null, 1), Errno.EINVAL, "faultMode must be warm, cold or reclaim");
    }

    @Test
    void exactlyOneOfDurationAndJobs() {
        refused(req(List.of("sva0"), 1, 65536, "memcpy", "sva", "warm", 1, null, null), Errno.EINVAL, "either durationSeconds or jobs");
        refused(req(List.of("sva0"), 1, 65536, "memcpy", "sva", "warm", 1, 5, 5), Errno.EINVAL, "either durationSeconds or jobs");
    }

    @Test
    void reclaimEverySecondsBelongsToReclaimAndTimingValuesAreNonNegative() {
        refused(new WorkloadRequest(List.of("sva0"), 1, 65536L, "memcpy", "sva", "warm", 1, null, 1, 2, null), Errno.EINVAL, "faultMode reclaim");
        refused(new WorkloadRequest(List.of("sva0"), 1, 65536L, "memcpy", "sva", "warm", 1, null, 1, null, Map.of("walkRead", 5L)),
                Errno.EINVAL, "timing.walkRead is not a cost");
        refused(new WorkloadRequest(List.of("sva0"), 1, 65536L, "memcpy", "sva", "warm", 1, null, 1, null, Map.of("tlbi", -1L)),
                Errno.EINVAL, "timing.tlbi must be");
        assertThat(validator.check(ok()).concurrency()).isEqualTo(2);
    }

    @Test
    void aRepeatedDeviceIsEINVAL() {
        refused(req(List.of("sva0", "sva0"), 1, 65536, "memcpy", "sva", "warm", 1, null, 1), Errno.EINVAL, "repeat");
    }
}
