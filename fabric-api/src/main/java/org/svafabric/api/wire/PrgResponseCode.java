package org.svafabric.api.wire;

import java.util.Locale;

/**
 * The Response Code of a PRG Response Message (PCIe Page Request Services) as it travels from the SMMU's
 * driver (CMD_PRI_RESP) to the function. The iommu side converts its own code to this once, at the link; the
 * device uses it as it arrives.
 */
public enum PrgResponseCode {
    /** All pages of the group are now resident: retry the translation. */
    SUCCESS,
    /** At least one page cannot be made resident: the access fails. */
    INVALID,
    /** A catastrophic error: the function disables its page request interface until software re-enables it. */
    FAILURE;

    /** The code named by {@code code} (any case), or null for anything else. */
    public static PrgResponseCode parse(String code) {
        if (code != null) {
            for (PrgResponseCode c : values()) {
                if (c.name().equals(code.toUpperCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        return null;
    }
}
