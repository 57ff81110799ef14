package org.svafabric.device.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.wire.AtsStatus;
import org.svafabric.device.iommu.AtsRequest;
import org.svafabric.device.iommu.Transaction;
import org.svafabric.device.iommu.TransactionOutcome;

/** The devices' tests translate through the real SMMU model: its caches, its events, its stalls. */
class FakeSmmuTest {
    private static final int SID = 0x100;
    private static final int PASID = 5;
    private static final long VA = 0x7f00_0000_0000L;

    @Test
    void aSecondTranslationOfThePageIsAnIotlbHitOfTheModel() {
        FakeSmmu smmu = new FakeSmmu();
        smmu.bind(PASID).populate(VA, 4096, true);
        IommuCalls.AtsTranslation first = smmu.translateWithWork(SID, PASID, List.of(new AtsRequest(VA, true, false, false)));
        IommuCalls.AtsTranslation second = smmu.translateWithWork(SID, PASID, List.of(new AtsRequest(VA, true, false, false)));
        assertThat(first.results().get(0).status()).isEqualTo(AtsStatus.OK);
        assertThat(first.work().walks()).isEqualTo(1);
        assertThat(second.work().iotlbHits()).isEqualTo(1);
        assertThat(second.work().walks()).isZero();
        assertThat(second.results().get(0).pagePa()).isEqualTo(first.results().get(0).pagePa());
    }

    @Test
    void anUnboundPasidIsACompleterAbortForABadCd() {
        FakeSmmu smmu = new FakeSmmu();
        assertThat(smmu.translate(SID, 77, List.of(new AtsRequest(VA, false, false, false))).get(0))
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(AtsStatus.COMPLETER_ABORT);
                    assertThat(c.event()).isEqualTo("C_BAD_CD");
                });
    }

    @Test
    void aStalledTransactionIsResumedAfterTheFaultIsHandled() {
        FakeSmmu smmu = new FakeSmmu();
        smmu.bind(PASID).allow(VA, 8192, true);
        smmu.stall(FakeSmmu.Stall.RESUME_RETRY);
        TransactionOutcome o = smmu.transact(16, PASID, new Transaction(true, VA, 8192, new byte[8192], false, false));
        assertThat(o).isInstanceOf(TransactionOutcome.Completed.class);
        assertThat(o.stalls()).isEqualTo(2);
        assertThat(o.faultKinds().major()).isEqualTo(2);
        smmu.stall(FakeSmmu.Stall.TERMINATE);
        TransactionOutcome t = smmu.transact(16, PASID, new Transaction(false, VA + 8192, 4096, null, false, false));
        assertThat(t).isInstanceOfSatisfying(TransactionOutcome.Terminated.class, x -> assertThat(x.event()).isEqualTo("F_TRANSLATION"));
    }
}
