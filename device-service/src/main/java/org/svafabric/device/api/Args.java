package org.svafabric.device.api;

import org.svafabric.api.error.ErrnoException;

/** Checks of request fields that binding cannot express. Every failure is EINVAL. */
final class Args {
    /** PCIe PASIDs are 20 bits wide. */
    static final int PASID_LIMIT = 1 << 20;

    private Args() {
    }

    static int pasid(Integer pasid) {
        if (pasid == null) {
            throw ErrnoException.invalid("pasid is required");
        }
        if (pasid < 0 || pasid >= PASID_LIMIT) {
            throw ErrnoException.invalid("pasid must be 0.." + (PASID_LIMIT - 1));
        }
        return pasid;
    }

    static Integer optionalPasid(Integer pasid) {
        return pasid == null ? null : pasid(pasid);
    }
}
