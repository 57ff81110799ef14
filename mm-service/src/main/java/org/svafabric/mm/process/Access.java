package org.svafabric.mm.process;

import java.util.Locale;

import org.svafabric.api.error.ErrnoException;

/** The kind of access that faulted (a PRI request's R/W/Exe, a CPU load or store). */
public enum Access {
    READ, WRITE, EXEC;

    public static Access parse(String s) {
        if (s == null) {
            throw ErrnoException.invalid("access is required: read, write or exec");
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "read":
                return READ;
            case "write":
                return WRITE;
            case "exec":
                return EXEC;
            default:
                throw ErrnoException.invalid("bad access \"" + s + "\": read, write or exec");
        }
    }
}
