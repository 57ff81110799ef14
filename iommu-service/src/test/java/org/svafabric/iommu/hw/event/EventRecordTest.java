package org.svafabric.iommu.hw.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.layout.EventRecord;

/** Golden event records, worked out by hand from Linux's EVTQ_0_* .. EVTQ_3_* positions. */
class EventRecordTest {

    private static void golden(Event event, long dw0, long dw1, long dw2, long dw3) {
        assertThat(EventRecord.encode(event)).containsExactly(dw0, dw1, dw2, dw3);
        assertThat(EventRecord.decode(new long[] {dw0, dw1, dw2, dw3})).isEqualTo(event);
    }

    @Test
    void stalledTranslationFaultCarriesStallAndStag() {
        Event e = Event.fault(EventType.F_TRANSLATION, 0x1234, true, 0x77, 0x7fff_dead_b000L, true, false, true,
                Event.CLASS_IN).stalled(0xabcd);
        // dw0: SID 0x1234<<32 | SSID 0x77<<12 = 0x77000 | SSV 0x800 | ID 0x10
        // dw1: CLASS IN 2<<40 = 0x200_00000000 | RnW 1<<35 = 0x8_00000000 | InD 1<<34 = 0x4_00000000
        //      | STALL 1<<31 | STAG 0xabcd
        // (This golden value used to carry CLASS = TT, 0x10c_8000abcd, which §7.3.13 does not allow for a
        // stage-1 F_TRANSLATION.)
        golden(e, 0x00001234_00077810L, 0x0000020c_8000abcdL, 0x00007fff_deadb000L, 0);
    }

    /**
     * IHI 0070 §7.3.13, checked against hardware: an i.MX95 SMMU logged a stage-1 F_TRANSLATION as
     * {@code 0x0000001100000010 0x0000020a00000000 0x9b0cc000 0}: StreamID 0x11, CLASS [41:40] = 0b10 (IN),
     * RnW, PnU.
     */
    @Test
    void ihi0070s7313_stage1TranslationFaultAsAnImx95RecordsIt() {
        golden(Event.fault(EventType.F_TRANSLATION, 0x11, false, 0, 0x9b0cc000L, true, true, false, Event.CLASS_IN),
                0x0000001100000010L, 0x0000020a00000000L, 0x9b0cc000L, 0);
    }

    @Test
    void walkAbortCarriesTheFetchAddressAndPrivilege() {
        Event e = Event.fault(EventType.F_WALK_EABT, 5, false, 0, 0x1000L, false, true, false, Event.CLASS_TT)
                .withFetchAddr(0x8_0000_1238L);
        // dw1: CLASS 1<<40 | PnU 1<<33 = 0x2_00000000; dw3: FetchAddr[51:3] in place
        golden(e, 0x00000005_0000000bL, 0x00000102_00000000L, 0x1000L, 0x00000008_00001238L);
    }

    @Test
    void configurationErrorHasOnlyTheStream() {
        golden(Event.config(EventType.C_BAD_STE, 0xffff, false, 0), 0x0000ffff_00000004L, 0, 0, 0);
    }

    /**
     * IHI 0070 §7.3.9: C_BAD_SUBSTREAMID records the SubstreamID, but bit 11 is RES0 in this record. The golden
     * value used to be 0x00000003_fffff808 (SSV set).
     */
    @Test
    void ihi0070s739_badSubstreamIdRecordsTheSubstreamIdWithBit11Clear() {
        long[] w = EventRecord.encode(Event.config(EventType.C_BAD_SUBSTREAMID, 3, true, 0xfffff));
        assertThat(w).containsExactly(0x00000003_fffff008L, 0, 0, 0);
        assertThat(EventRecord.decode(w).ssid()).isEqualTo(0xfffff);
        assertThat(EventRecord.decode(w).ssv()).as("its SubstreamID is always valid").isTrue();
    }

    /**
     * IHI 0070 §7.3.6: F_BAD_ATS_TREQ carries the refused request's R/W/X/PRIV (W = !NW, R always 1 for PCIe)
     * and Span, the number of STUs requested, with InputAddr. dw0: SID 0x21 | SSID 0x5 | SSV | 0x05; dw1: R 1<<36
     * | W 1<<35 | PRIV 1<<33 | Span 3 (positions: see EventRecord); dw2: the request's address.
     */
    @Test
    void ihi0070s736_badAtsTreqCarriesTheRequestsPermissionsAndSpan() {
        Event e = Event.config(EventType.F_BAD_ATS_TREQ, 0x21, true, 5)
                .withAtsRequest(0x7f00_0000_1000L, new Event.AtsTreq(true, true, false, true, 3));
        golden(e, 0x00000021_00005805L, 0x0000001a_00000003L, 0x7f00_0000_1000L, 0);
    }
}
