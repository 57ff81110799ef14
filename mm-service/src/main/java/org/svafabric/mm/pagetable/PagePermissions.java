package org.svafabric.mm.pagetable;

import org.svafabric.api.pagetable.Pte;

/**
 * The access a stage-1 page descriptor grants, decoded from its fields (Arm ARM, "Data access
 * permissions" and "Execute-never controls"): AP[1] gives EL0 access, AP[2] makes it read-only,
 * UXN/PXN forbid instruction fetch at EL0/EL1. With hardware dirty management a clean writable
 * page (DBM=1, AP[2]=1) is writable: the first write clears AP[2] instead of faulting.
 */
public record PagePermissions(boolean userRead, boolean userWrite, boolean userExec,
                              boolean privRead, boolean privWrite, boolean privExec,
                              boolean young, boolean dirty) {

    public static PagePermissions of(long d) {
        boolean user = Pte.AP_USER.isSet(d);
        boolean writable = Pte.isWritePermitted(d);
        return new PagePermissions(
                user,
                user && writable,
                user && !Pte.UXN.isSet(d),
                true,
                writable,
                !Pte.PXN.isSet(d) && !(user && writable),
                Pte.AF.isSet(d),
                Pte.isDirty(d));
    }
}
