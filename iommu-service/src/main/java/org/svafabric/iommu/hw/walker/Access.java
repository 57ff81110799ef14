package org.svafabric.iommu.hw.walker;

/**
 * The attributes of an access as the permission check sees them, packed in an int so the hot path stays
 * allocation-free: data read, data write or instruction fetch (InD), privileged or not (PnU).
 */
public final class Access {
    private Access() {
    }

    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int EXEC = 2;
    public static final int PRIV = 4;

    public static int of(boolean write, boolean exec, boolean priv) {
        return (write ? WRITE : 0) | (exec ? EXEC : 0) | (priv ? PRIV : 0);
    }

    public static boolean isWrite(int access) {
        return (access & WRITE) != 0;
    }

    public static boolean isExec(int access) {
        return (access & EXEC) != 0;
    }

    public static boolean isPriv(int access) {
        return (access & PRIV) != 0;
    }
}
