package org.svafabric.iommu.hw;

import org.svafabric.iommu.hw.walker.Access;

/**
 * An untranslated transaction as it reaches the SMMU: StreamID, optional SubstreamID (-1 when the
 * transaction has none, i.e. SSV = 0), input address and attributes (RnW, InD, PnU). A PCIe transaction
 * without a PASID is a data access, unprivileged (IHI 0070 §13.7).
 */
public record TransactionRequest(int sid, int ssid, long va, boolean write, boolean exec, boolean priv) {

    public static final int NO_SSID = -1;

    public TransactionRequest {
        if (ssid < NO_SSID || ssid >= (1 << 20)) {
            throw new IllegalArgumentException("SubstreamID " + ssid + " is not a 20-bit value or -1");
        }
        if (write && exec) {
            throw new IllegalArgumentException("an instruction fetch is a read");
        }
    }

    public static TransactionRequest read(int sid, int ssid, long va) {
        return new TransactionRequest(sid, ssid, va, false, false, false);
    }

    public static TransactionRequest write(int sid, int ssid, long va) {
        return new TransactionRequest(sid, ssid, va, true, false, false);
    }

    public boolean ssv() {
        return ssid != NO_SSID;
    }

    public int access() {
        return Access.of(write, exec, priv);
    }

    public TransactionRequest at(long otherVa) {
        return new TransactionRequest(sid, ssid, otherVa, write, exec, priv);
    }
}
