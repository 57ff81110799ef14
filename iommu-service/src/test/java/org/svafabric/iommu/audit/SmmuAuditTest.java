package org.svafabric.iommu.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.json.Addr;

class SmmuAuditTest {
    private static final String DEV = "0000:01:00.0";

    @Test
    void aValidSharedCdWithoutABondIsLeftOverFromAPasidsOldOwner() {
        List<AuditFinding> f = SmmuAudit.findings(List.of(new AuditViews.Bond(DEV, 1, 10, "BOUND")),
                List.of(new AuditViews.Cd(DEV, 1, Addr.of(0x4000_1000L), 1), new AuditViews.Cd(DEV, 2, Addr.of(0x4000_5000L), 2),
                        new AuditViews.Cd("0000:02:00.0", 1, Addr.of(0x4000_1000L), 1)));
        assertThat(f).extracting(AuditFinding::where).containsExactly("device " + DEV + " SSID 2",
                "device 0000:02:00.0 SSID 1");
        assertThat(f).allSatisfy(x -> {
            assertThat(x.kind()).isEqualTo(AuditFinding.CD_WITHOUT_BOND);
            assertThat(x.service()).isEqualTo("iommu-service");
        });
    }

    @Test
    void ssidZeroIsThePrivateDomainNotAPasid() {
        assertThat(SmmuAudit.findings(List.of(), List.of(new AuditViews.Cd(DEV, 0, Addr.of(0x4000_1000L), 3)))).isEmpty();
    }
}
