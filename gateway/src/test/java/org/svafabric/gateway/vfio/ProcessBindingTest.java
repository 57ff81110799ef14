package org.svafabric.gateway.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.svafabric.gateway.vfio.VfioFixtures.ALICE;
import static org.svafabric.gateway.vfio.VfioFixtures.BOB;
import static org.svafabric.gateway.vfio.VfioFixtures.TRACER;
import static org.svafabric.gateway.vfio.VfioFixtures.container;
import static org.svafabric.gateway.vfio.VfioFixtures.group;
import static org.svafabric.gateway.vfio.VfioFixtures.process;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.gateway.process.ProcessOwnership;

/** BIND_PROCESS, UNBIND and the ptrace rule against the typed clients. */
class ProcessBindingTest {
    private final MmApi mm = mock(MmApi.class);
    private final IommuApi iommu = mock(IommuApi.class);
    private final ProcessOwnership owners = mock(ProcessOwnership.class);
    private final VfioBinds binds = mock(VfioBinds.class);
    private final ContainerDevices devices = mock(ContainerDevices.class);
    private final ProcessBinding binding = new ProcessBinding(mm, iommu, owners, binds, devices);
    private final VfioContainer c = container(1, 12, 5L);

    @BeforeEach
    void aRunningProcessOfAlice() {
        when(owners.ownerOf(12)).thenReturn(1000L);
        when(mm.get(12)).thenReturn(process(12, 1000, ProcessState.RUNNING));
    }

    @Test
    void anotherUidMayBindOnlyWithTheRightToTrace() {
        assertThatThrownBy(() -> binding.requireTraceable(BOB, 12))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
        binding.requireTraceable(TRACER, 12);
        binding.requireTraceable(ALICE, 12);
    }

    @Test
    void anExitedProcessCannotBeBoundEvenByItsOwner() {
        when(mm.get(12)).thenReturn(process(12, 1000, ProcessState.EXITING));
        assertThatThrownBy(() -> binding.requireTraceable(ALICE, 12))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
    }

    @Test
    void anExitedProcessMayBeUnboundByPid() {
        when(owners.ownerOf(13)).thenThrow(ErrnoException.noProcess(13));
        binding.requireTraceableOrGone(BOB, 13);
        assertThatThrownBy(() -> binding.requireTraceableOrGone(BOB, 12)).isInstanceOf(ErrnoException.class);
    }

    @Test
    void bindInitialisesSvaAndBindsEveryDeviceAtOnePasid() {
        when(devices.groupsOf(c)).thenReturn(List.of(group(256, "0000:01:00.0"), group(512, "0000:02:00.0")));
        when(iommu.svaInit(eq("0000:01:00.0"), any())).thenThrow(new ErrnoException(Errno.EEXIST, "sva-initialised", "done"));
        when(iommu.bind(anyString(), any())).thenReturn(ResponseEntity.status(201).body(new IommuViews.Bond(3, 12, "x")));

        assertThat(binding.bind(c, 12)).isEqualTo(3);
        verify(iommu).bind("0000:01:00.0", new IommuRequests.Bind(12L, List.of("IOPF"), null));
        verify(iommu).bind("0000:02:00.0", new IommuRequests.Bind(12L, List.of("IOPF"), null));
        verify(binds).save(any());
    }

    @Test
    void bindIsIdempotentPerProcess() {
        when(binds.findByContainerId(1)).thenReturn(List.of(new VfioBind(1, 12, 7)));
        assertThat(binding.bind(c, 12)).isEqualTo(7);
        verify(iommu, never()).bind(anyString(), any());
    }

    @Test
    void aMultiDeviceGroupIsRefusedForSva() {
        when(devices.groupsOf(c)).thenReturn(List.of(group(256, "0000:01:00.0", "0000:01:00.1")));
        assertThatThrownBy(() -> binding.bind(c, 12))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("multi-device-group"));
    }

    @Test
    void aBindThatFailsHalfWayUnbindsWhatItBound() {
        when(devices.groupsOf(c)).thenReturn(List.of(group(256, "0000:01:00.0"), group(512, "0000:02:00.0")));
        when(iommu.bind(eq("0000:01:00.0"), any())).thenReturn(ResponseEntity.status(201).body(new IommuViews.Bond(3, 12, "a")));
        when(iommu.bind(eq("0000:02:00.0"), any())).thenThrow(new ErrnoException(Errno.ENOSPC, "pasid-exhausted", "none left"));
        assertThatThrownBy(() -> binding.bind(c, 12)).isInstanceOf(ErrnoException.class);
        verify(iommu).unbind("0000:01:00.0", 3);
        verify(binds, never()).save(any());
    }

    @Test
    void theBindOfAnExitedProcessIsPrunedWithoutUnbindingItsFreedPasid() {
        VfioBind gone = new VfioBind(1, 14, 9);
        when(binds.findByContainerId(1)).thenReturn(List.of(gone));
        when(mm.get(14)).thenThrow(ErrnoException.noProcess(14));
        binding.pruneExited(c);
        // v1: the exit freed PASID 9, which may name another process's bond now.
        verify(iommu, never()).unbind(anyString(), anyInt());
        verify(binds).delete(gone);
    }

    @Test
    void unbindOfAProcessNotBoundIsEsrch() {
        assertThatThrownBy(() -> binding.unbind(c, 12))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("not-bound"));
        verify(iommu, never()).unbind(anyString(), anyInt());
    }
}
