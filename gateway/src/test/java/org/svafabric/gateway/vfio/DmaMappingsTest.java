package org.svafabric.gateway.vfio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.svafabric.gateway.vfio.VfioFixtures.container;
import static org.svafabric.gateway.vfio.VfioFixtures.pinned;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.mm.MmRequests;

/** VFIO type1 DMA mappings against the typed mm-service and iommu-service clients. */
class DmaMappingsTest {
    private final MmApi mm = mock(MmApi.class);
    private final IommuApi iommu = mock(IommuApi.class);
    private final VfioDmas dmas = mock(VfioDmas.class);
    private final DmaMappings mappings = new DmaMappings(mm, iommu, dmas);
    private final VfioContainer c = container(1, 12, 5L);

    @Test
    void mapPinsThePagesThenMapsTheirPhysicalAddressesAtTheIova() {
        when(mm.pin(eq(12L), any())).thenReturn(pinned(0x80000, 0x93000));
        mappings.map(c, 5, 0x7f0000000000L, 0x100000, 8192, Set.of("READ", "WRITE"));

        InOrder order = inOrder(mm, iommu, dmas);
        ArgumentCaptor<MmRequests.Pin> pin = ArgumentCaptor.forClass(MmRequests.Pin.class);
        order.verify(mm).pin(eq(12L), pin.capture());
        ArgumentCaptor<IommuRequests.MapPages> map = ArgumentCaptor.forClass(IommuRequests.MapPages.class);
        order.verify(iommu).map(eq(5L), map.capture());
        order.verify(dmas).save(any());
        assertThat(pin.getValue()).isEqualTo(new MmRequests.Pin(Addr.of(0x7f0000000000L), 8192L, true));
        assertThat(map.getValue().iova()).isEqualTo(Addr.of(0x100000));
        assertThat(map.getValue().pages()).containsExactly(Addr.of(0x80000), Addr.of(0x93000));
        assertThat(map.getValue().read()).isTrue();
        assertThat(map.getValue().write()).isTrue();
    }

    @Test
    void aMapTheDomainRefusesUnpinsAgainAndRemembersNothing() {
        when(mm.pin(eq(12L), any())).thenReturn(pinned(0x80000));
        when(iommu.map(eq(5L), any())).thenThrow(new ErrnoException(Errno.ENOMEM, "no-memory", "no table pages"));
        assertThatThrownBy(() -> mappings.map(c, 5, 0x7f0000000000L, 0x100000, 4096, Set.of("READ")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOMEM));
        verify(mm).unpin(12L, new MmRequests.Range(Addr.of(0x7f0000000000L), 4096L));
        verify(dmas, never()).save(any());
    }

    @Test
    void anOverlappingIovaRangeIsEexistAndPinsNothing() {
        when(dmas.findByContainerIdOrderByIova(1)).thenReturn(List.of(new VfioDma(1, 0x100000, 8192, 0x7f0000000000L, true, true)));
        assertThatThrownBy(() -> mappings.map(c, 5, 0x7f0000004000L, 0x101000, 4096, Set.of("READ")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
        verify(mm, never()).pin(anyLong(), any());
    }

    @Test
    void flagsAndAlignmentAreChecked() {
        assertThatThrownBy(() -> mappings.map(c, 5, 0x7f0000000000L, 0x100000, 4096, Set.of("EXEC")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("invalid-flags"));
        assertThatThrownBy(() -> mappings.map(c, 5, 0x7f0000000010L, 0x100000, 4096, Set.of("READ")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("unaligned"));
        assertThatThrownBy(() -> mappings.unmap(c, 5, (1L << 48) - 4096, 8192))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("iova-out-of-range"));
    }

    @Test
    void unmapInvalidatesBeforeItUnpinsAndAnswersTheBytes() {
        VfioDma a = new VfioDma(1, 0x100000, 8192, 0x7f0000000000L, true, true);
        VfioDma b = new VfioDma(1, 0x200000, 4096, 0x7f0000010000L, true, false);
        when(dmas.findByContainerIdOrderByIova(1)).thenReturn(List.of(a, b));
        when(iommu.unmap(eq(5L), any())).thenReturn(new IommuViews.Unmapped(8192));

        assertThat(mappings.unmap(c, 5, 0x100000, 0x2000)).isEqualTo(8192);
        InOrder order = inOrder(iommu, mm, dmas);
        order.verify(iommu).unmap(5L, new IommuRequests.Unmap(Addr.of(0x100000), 8192L));
        order.verify(mm).unpin(12L, new MmRequests.Range(Addr.of(0x7f0000000000L), 8192L));
        order.verify(dmas).delete(a);
        verify(dmas, never()).delete(b);
    }

    @Test
    void anUnmapThatWouldSplitAMappingIsRefused() {
        when(dmas.findByContainerIdOrderByIova(1)).thenReturn(List.of(new VfioDma(1, 0x100000, 8192, 0x7f0000000000L, true, true)));
        assertThatThrownBy(() -> mappings.unmap(c, 5, 0x100000, 4096))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.slug()).isEqualTo("partial-unmap"));
        verify(iommu, never()).unmap(anyLong(), any());
    }

    @Test
    void anUnpinRefusedBecauseTheProcessExitedDoesNotFailTheUnmap() {
        VfioDma a = new VfioDma(1, 0x100000, 4096, 0x7f0000000000L, true, true);
        when(dmas.findByContainerIdOrderByIova(1)).thenReturn(List.of(a));
        when(mm.unpin(eq(12L), any())).thenThrow(ErrnoException.noProcess(12));
        mappings.unmapAll(c, 5);
        verify(dmas).delete(a);
    }
}
