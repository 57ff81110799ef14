package org.svafabric.gateway.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.svafabric.gateway.vfio.VfioFixtures.ALICE;
import static org.svafabric.gateway.vfio.VfioFixtures.BOB;
import static org.svafabric.gateway.vfio.VfioFixtures.container;
import static org.svafabric.gateway.vfio.VfioFixtures.group;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.http.ResponseEntity;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.gateway.process.ProcessOwnership;

/** Containers and groups: ownership, VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU and close, against the typed clients. */
class VfioServiceTest {
    private final IommuApi iommu = mock(IommuApi.class);
    private final ProcessOwnership owners = mock(ProcessOwnership.class);
    private final VfioGroups groups = mock(VfioGroups.class);
    private final VfioContainers containers = mock(VfioContainers.class);
    private final VfioGroupsAttached attached = mock(VfioGroupsAttached.class);
    private final VfioDmas dmas = mock(VfioDmas.class);
    private final VfioBinds binds = mock(VfioBinds.class);
    private final ContainerDevices devices = mock(ContainerDevices.class);
    private final DmaMappings mappings = mock(DmaMappings.class);
    private final ProcessBinding binding = mock(ProcessBinding.class);
    private final VfioService vfio = new VfioService(iommu, owners, groups, containers, attached, dmas, binds, devices, mappings, binding);

    private VfioContainer stored(VfioContainer c) {
        when(containers.findById(c.getId())).thenReturn(Optional.of(c));
        return c;
    }

    @Test
    void anotherUidsContainerIsAsIfItDidNotExist() {
        stored(container(1, 12, null));
        assertThatThrownBy(() -> vfio.get(BOB, 1))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        assertThat(vfio.get(ALICE, 1).getPid()).isEqualTo(12);
    }

    @Test
    void setIommuNeedsTypeOneV2AndAGroupAndCreatesTheDomainWithEveryDevice() {
        VfioContainer c = stored(container(1, 12, null));
        assertThatThrownBy(() -> vfio.setIommu(ALICE, 1, "SPAPR"))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("unsupported-iommu-type"));
        when(devices.devicesOf(c)).thenReturn(List.of());
        assertThatThrownBy(() -> vfio.setIommu(ALICE, 1, VfioService.TYPE1V2))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("no-group"));

        when(devices.devicesOf(c)).thenReturn(List.of("0000:03:00.0"));
        when(iommu.createDomain(any())).thenReturn(ResponseEntity.status(201).body(new IommuViews.Domain(5, 2, List.of("0000:03:00.0"))));
        vfio.setIommu(ALICE, 1, VfioService.TYPE1V2);
        verify(iommu).createDomain(new IommuRequests.CreateDomain(List.of("0000:03:00.0")));
        assertThat(c.getDomainId()).isEqualTo(5);
        assertThatThrownBy(() -> vfio.setIommu(ALICE, 1, VfioService.TYPE1V2))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
    }

    @Test
    void aGroupSetInAnotherContainerIsBusy() {
        stored(container(1, 12, null));
        when(groups.get(256)).thenReturn(group(256, "0000:01:00.0"));
        when(attached.findById(256)).thenReturn(Optional.of(new VfioGroupAttachment(256, 2)));
        assertThatThrownBy(() -> vfio.setContainer(ALICE, 1, 256))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("group-in-use"));
    }

    @Test
    void aGroupAddedAfterSetIommuIsAttachedToTheDomainAndGetsTheBinds() {
        VfioContainer c = stored(container(1, 12, 5L));
        VfioGroups.Group g = group(512, "0000:02:00.0");
        when(groups.get(512)).thenReturn(g);
        when(attached.findById(512)).thenReturn(Optional.empty());
        vfio.setContainer(ALICE, 1, 512);
        InOrder order = inOrder(iommu, binding, attached);
        order.verify(iommu).attach(5, "0000:02:00.0");
        order.verify(binding).replay(c, g);
        order.verify(attached).save(any());
    }

    @Test
    void mapAndBindNeedTheIommuSet() {
        stored(container(1, 12, null));
        assertThatThrownBy(() -> vfio.map(ALICE, 1, 0x7f0000000000L, 0x100000, 4096, java.util.Set.of("READ")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("no-iommu"));
        when(owners.ownerOf(12)).thenReturn(1000L);
        assertThatThrownBy(() -> vfio.bind(ALICE, 1, null))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("no-iommu"));
        verify(mappings, never()).map(any(), org.mockito.ArgumentMatchers.anyLong(), org.mockito.ArgumentMatchers.anyLong(),
                org.mockito.ArgumentMatchers.anyLong(), org.mockito.ArgumentMatchers.anyLong(), any());
    }

    @Test
    void closeUnbindsThenUnmapsThenFreesTheDomain() {
        VfioContainer c = stored(container(1, 12, 5L));
        vfio.close(ALICE, 1);
        InOrder order = inOrder(binding, mappings, iommu, containers);
        order.verify(binding).unbindAll(c);
        order.verify(mappings).unmapAll(c, 5);
        order.verify(iommu).freeDomain(5);
        order.verify(containers).delete(c);
    }

    @Test
    void aUserspaceDriverMayProgramOnlyDevicesOfItsContainersAndBoundPasids() {
        VfioContainer c = stored(container(1, 12, 5L));
        when(groups.all()).thenReturn(List.of(group(256, "0000:01:00.0"), group(768, "0000:03:00.0")));
        when(attached.findById(256)).thenReturn(Optional.of(new VfioGroupAttachment(256, 1)));
        when(attached.findById(768)).thenReturn(Optional.empty());
        when(binds.findByContainerId(1)).thenReturn(List.of(new VfioBind(1, 12, 4)));
        vfio.requireDeviceInCallersContainer(ALICE, "0000:01:00.0", 4);
        vfio.requireDeviceInCallersContainer(ALICE, "0000:01:00.0", null);
        assertThatThrownBy(() -> vfio.requireDeviceInCallersContainer(ALICE, "0000:01:00.0", 9))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("pasid-not-bound"));
        assertThatThrownBy(() -> vfio.requireDeviceInCallersContainer(ALICE, "0000:03:00.0", null))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
        assertThatThrownBy(() -> vfio.requireDeviceInCallersContainer(BOB, "0000:01:00.0", 4))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
        assertThat(c.getDomainId()).isEqualTo(5);
    }
}
