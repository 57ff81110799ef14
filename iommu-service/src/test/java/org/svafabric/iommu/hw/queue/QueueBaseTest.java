package org.svafabric.iommu.hw.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueBaseTest {

    @Test
    void rwaAt62AddressInPlaceLog2SizeLow() {
        QueueBase b = new QueueBase(0x8_0000_4000L, 8, true);
        long golden = 0x40000008_00004008L;
        assertThat(b.encode()).isEqualTo(golden);
        assertThat(QueueBase.decode(golden)).isEqualTo(b);
    }

    @Test
    void theSmmuAlignsTheBaseToTheQueueSizeOr32Bytes() {
        // 2^8 commands of 16 bytes = 4 KiB
        assertThat(new QueueBase(0x8_0000_4fe0L, 8, false).effectiveAddr(19, 16)).isEqualTo(0x8_0000_4000L);
        // one 16-byte entry still aligns to 32 bytes
        assertThat(new QueueBase(0x1060L, 0, false).effectiveAddr(19, 16)).isEqualTo(0x1060L);
        assertThat(new QueueBase(0x1040L, 1, false).effectiveAddr(19, 32)).isEqualTo(0x1040L);
        assertThat(new QueueBase(0x1060L, 1, false).effectiveAddr(19, 32)).isEqualTo(0x1040L);
    }

    @Test
    void log2SizeIsCappedAtTheIdrMaximum() {
        assertThat(new QueueBase(0, 12, false).effectiveLog2Size(8)).isEqualTo(8);
        // the cap also governs alignment: 2^8 × 32 bytes = 8 KiB
        assertThat(new QueueBase(0x3000, 12, false).effectiveAddr(8, 32)).isEqualTo(0x2000);
    }
}
