package org.svafabric.api.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;

class AtsLinkCodecTest {

    private static IommuCalls.AtsTranslate request(Integer pasid) {
        return new IommuCalls.AtsTranslate(0x100, pasid, List.of(
                new IommuCalls.AtsPage(Addr.of(0x7f3a00001000L), true, false, false),
                new IommuCalls.AtsPage(Addr.of(0x2000), false, true, true),
                new IommuCalls.AtsPage(Addr.of(Long.MAX_VALUE), false, false, false)));
    }

    private static IommuCalls.AtsTranslation answer(DmaEvent.SmmuWork work) {
        return new IommuCalls.AtsTranslation(List.of(
                AtsCompletion.granted(0x7f3a00001000L, 0x80000000L, 21, true, true, false, false),
                AtsCompletion.granted(0x2000, 0x9000, 12, true, false, true, true),
                AtsCompletion.noTranslation(0x3000, true, "F_TRANSLATION"),
                AtsCompletion.noTranslation(0x4000, false, null),
                AtsCompletion.unsupported(0x5000, "F_BAD_ATS_TREQ"),
                AtsCompletion.abort(0x6000, "C_BAD_SUBSTREAMID"),
                AtsCompletion.abort(0x7000, null),
                new AtsCompletion(Addr.of(0x8000), AtsStatus.OK, Addr.of(0xa000), null, true, false, false, false, "é-event"),
                new AtsCompletion(Addr.of(0x9000), AtsStatus.OK, null, 4096L, true, false, false, false, "")), work);
    }

    @Test
    void aRequestRoundTripsWithAndWithoutPasid() {
        assertThat(AtsLinkCodec.decodeTranslate(AtsLinkCodec.encode(request(7)))).isEqualTo(request(7));
        assertThat(AtsLinkCodec.decodeTranslate(AtsLinkCodec.encode(request(0)))).isEqualTo(request(0));
        assertThat(AtsLinkCodec.decodeTranslate(AtsLinkCodec.encode(request(null)))).isEqualTo(request(null));
        IommuCalls.AtsTranslate empty = new IommuCalls.AtsTranslate(3, null, List.of());
        assertThat(AtsLinkCodec.decodeTranslate(AtsLinkCodec.encode(empty))).isEqualTo(empty);
    }

    @Test
    void aRequestIsTwelveBytesPlusNinePerPage() {
        assertThat(AtsLinkCodec.encode(request(7))).hasSize(12 + 3 * 9);
    }

    @Test
    void everyStatusAndEveryOptionalFieldRoundTrips() {
        for (DmaEvent.SmmuWork work : Arrays.asList(new DmaEvent.SmmuWork(1, 2, 3, 4, 5), DmaEvent.SmmuWork.NONE, null)) {
            IommuCalls.AtsTranslation a = answer(work);
            assertThat(AtsLinkCodec.decodeTranslation(AtsLinkCodec.encode(a))).isEqualTo(a);
        }
        assertThat(answer(null).results()).extracting(AtsCompletion::status).contains(AtsStatus.values());
        IommuCalls.AtsTranslation none = new IommuCalls.AtsTranslation(List.of());
        assertThat(AtsLinkCodec.decodeTranslation(AtsLinkCodec.encode(none))).isEqualTo(none);
    }

    @Test
    void statusCodesAreFixedNotTheEnumsOrder() {
        assertThat(AtsLinkCodec.statusCode(AtsStatus.OK)).isZero();
        assertThat(AtsLinkCodec.statusCode(AtsStatus.NO_TRANSLATION)).isEqualTo(1);
        assertThat(AtsLinkCodec.statusCode(AtsStatus.UNSUPPORTED_REQUEST)).isEqualTo(2);
        assertThat(AtsLinkCodec.statusCode(AtsStatus.COMPLETER_ABORT)).isEqualTo(3);
        for (AtsStatus s : AtsStatus.values()) {
            assertThat(AtsLinkCodec.status(AtsLinkCodec.statusCode(s))).isEqualTo(s);
        }
    }

    @Test
    void everyTruncationOfARequestIsRefused() {
        byte[] full = AtsLinkCodec.encode(request(7));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> AtsLinkCodec.decodeTranslate(cut)).isInstanceOf(AtsLinkCodec.Malformed.class)
                    .hasMessageContaining("truncated");
        }
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslate(longer)).isInstanceOf(AtsLinkCodec.Malformed.class)
                .hasMessageContaining("announces 3 pages");
    }

    @Test
    void everyTruncationOfACompletionIsRefused() {
        byte[] full = AtsLinkCodec.encode(answer(new DmaEvent.SmmuWork(1, 2, 3, 4, 5)));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> AtsLinkCodec.decodeTranslation(cut)).isInstanceOf(AtsLinkCodec.Malformed.class)
                    .hasMessageContaining("truncated");
        }
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslation(longer)).isInstanceOf(AtsLinkCodec.Malformed.class)
                .hasMessageContaining("after its end");
    }

    @Test
    void malformedFieldsAreRefused() {
        byte[] req = AtsLinkCodec.encode(request(7));
        byte[] badFlags = req.clone();
        badFlags[12 + 8] = (byte) 0x80;
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslate(badFlags)).hasMessageContaining("unknown flag bits");
        byte[] negativeAddr = req.clone();
        negativeAddr[12] = (byte) 0x80;
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslate(negativeAddr)).isInstanceOf(AtsLinkCodec.Malformed.class)
                .hasMessageContaining("out of range");
        byte[] hugeCount = ByteBuffer.allocate(12).putInt(1).putInt(-1).putInt(Integer.MAX_VALUE).array();
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslate(hugeCount)).isInstanceOf(AtsLinkCodec.Malformed.class);

        byte[] ans = AtsLinkCodec.encode(new IommuCalls.AtsTranslation(List.of(AtsCompletion.abort(0x1000, null))));
        byte[] badStatus = ans.clone();
        badStatus[4 + 8] = 9;
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslation(badStatus)).hasMessageContaining("status code 9");
        byte[] badPresence = ans.clone();
        badPresence[ans.length - 1] = 2;
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslation(badPresence)).hasMessageContaining("presence");
        byte[] negativeCount = ByteBuffer.allocate(5).putInt(-1).array();
        assertThatThrownBy(() -> AtsLinkCodec.decodeTranslation(negativeCount)).isInstanceOf(AtsLinkCodec.Malformed.class);
    }

    @Test
    void whatTheWireCannotCarryIsRefusedWhenEncoding() {
        assertThatThrownBy(() -> AtsLinkCodec.encode(new IommuCalls.AtsTranslate(1, -1, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pasid");
        List<IommuCalls.AtsPage> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> AtsLinkCodec.encode(new IommuCalls.AtsTranslate(1, null, withNull)))
                .isInstanceOf(IllegalArgumentException.class);
        String longEvent = "x".repeat(0xFFFF);
        assertThatThrownBy(() -> AtsLinkCodec.encode(new IommuCalls.AtsTranslation(List.of(AtsCompletion.abort(0, longEvent)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long");
    }
}
