package org.svafabric.device.pcie;

import java.util.Locale;

/** The Response Code of a PRG Response Message (PCIe Page Request Services). */
public enum PrgResponseCode {
    /** All pages of the group are now resident: retry the translation. */
    SUCCESS,
    /** At least one page cannot be made resident: the access fails. */
    INVALID,
    /** A catastrophic error: the function disables its page request interface until software re-enables it. */
    FAILURE;

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
