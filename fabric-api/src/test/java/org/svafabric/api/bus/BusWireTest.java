package org.svafabric.api.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The bus framing as it is streamed: a write request read up to its last segment's data, and written from a buffer. */
class BusWireTest {

    private static byte[] header(long pa, int length) {
        return ByteBuffer.allocate(BusWire.HEADER_BYTES).putLong(pa).putInt(length).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static BusWire.StagedWrites stage(byte[] body, InputStream in) throws IOException {
        return BusWire.stageWrites(in, body.length);
    }

    @Test
    void anEmptyBatchStagesNothingAndHasNoLastSegment() throws IOException {
        BusWire.StagedWrites w = stage(new byte[0], new ByteArrayInputStream(new byte[0]));
        assertThat(w.staged()).isEmpty();
        assertThat(w.last()).isNull();
    }

    @Test
    void aSingleSegmentIsNotStagedItsDataStaysInTheStream() throws IOException {
        byte[] data = {1, 2, 3, 4, 5};
        byte[] body = concat(header(0x4000_1000L, 5), data);
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        BusWire.StagedWrites w = stage(body, in);
        assertThat(w.staging()).isNull();
        assertThat(w.staged()).isEmpty();
        assertThat(w.last()).isEqualTo(new MemoryBus.Range(0x4000_1000L, 5));
        assertThat(in.readAllBytes()).isEqualTo(data);
    }

    @Test
    void everySegmentButTheLastIsStagedInOrder() throws IOException {
        byte[] body = concat(header(0x1000, 3), new byte[] {1, 2, 3}, header(0x9000, 0), new byte[0],
                header(0x5000, 2), new byte[] {7, 8}, header(0x7000, 4), new byte[] {9, 9, 9, 9});
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        BusWire.StagedWrites w = stage(body, in);
        assertThat(w.staged()).containsExactly(new BusWire.Segment(0x1000, 0, 3), new BusWire.Segment(0x9000, 3, 0),
                new BusWire.Segment(0x5000, 3, 2));
        assertThat(Arrays.copyOfRange(w.staging(), 0, 5)).containsExactly(1, 2, 3, 7, 8);
        assertThat(w.last()).isEqualTo(new MemoryBus.Range(0x7000, 4));
        assertThat(in.readAllBytes()).containsExactly(9, 9, 9, 9);
    }

    @Test
    void aTruncatedHeaderIsRefused() {
        byte[] body = concat(header(0x1000, 1), new byte[] {1}, new byte[] {0, 0, 0});
        assertThatThrownBy(() -> stage(body, new ByteArrayInputStream(body)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated bus write header at byte 13");
    }

    @Test
    void aLengthPastTheEndOfTheBodyIsRefusedBeforeItsDataIsRead() {
        byte[] body = concat(header(0x1000, 100), new byte[10]);
        assertThatThrownBy(() -> stage(body, new ByteArrayInputStream(body)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs past the end of the body");
        byte[] negative = header(0x1000, -1);
        assertThatThrownBy(() -> stage(negative, new ByteArrayInputStream(negative)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4294967295 bytes");
    }

    @Test
    void aStreamShorterThanItsAnnouncedLengthIsRefused() {
        byte[] body = concat(header(0x1000, 4), new byte[] {1, 2, 3, 4}, header(0x2000, 4), new byte[4]);
        // The transport announces the whole body but delivers only the first segment and half of the next header.
        ByteArrayInputStream cut = new ByteArrayInputStream(Arrays.copyOf(body, 22));
        assertThatThrownBy(() -> BusWire.stageWrites(cut, body.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ended before byte");
    }

    @Test
    void writesFromABufferAreFramedAsDecodeWritesReadsThem() throws IOException {
        byte[] src = new byte[64];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) i;
        }
        List<MemoryBus.Range> ranges = List.of(new MemoryBus.Range(0x3000, 8), new MemoryBus.Range(0x8000, 0), new MemoryBus.Range(0x1000, 16));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BusWire.writeWrites(out, ranges, src, 10);
        byte[] body = out.toByteArray();
        assertThat((long) body.length).isEqualTo(BusWire.writeRequestLength(ranges));
        List<BusWire.Segment> segs = BusWire.decodeWrites(body);
        assertThat(segs).extracting(BusWire.Segment::pa).containsExactly(0x3000L, 0x8000L, 0x1000L);
        assertThat(Arrays.copyOfRange(body, segs.get(0).offset(), segs.get(0).offset() + 8)).isEqualTo(Arrays.copyOfRange(src, 10, 18));
        assertThat(Arrays.copyOfRange(body, segs.get(2).offset(), segs.get(2).offset() + 16)).isEqualTo(Arrays.copyOfRange(src, 18, 34));
        // The same body as the list-of-writes encoding.
        assertThat(body).isEqualTo(BusWire.encodeWrites(List.of(new MemoryBus.Write(0x3000, Arrays.copyOfRange(src, 10, 18)),
                new MemoryBus.Write(0x8000, new byte[0]), new MemoryBus.Write(0x1000, Arrays.copyOfRange(src, 18, 34)))));
    }
}
