package org.svafabric.gateway.security;

import java.util.Set;

/**
 * Who is calling: the uid a bearer token maps to and its roles. {@code admin} sees and touches
 * everything; {@code ptrace} may bind other uids' processes (the right to trace them).
 */
public record Caller(String tokenName, long uid, Set<String> roles) {
    public static final String ADMIN = "admin";
    public static final String PTRACE = "ptrace";

    public boolean isAdmin() {
        return roles.contains(ADMIN);
    }

    /** May this caller act on processes of {@code ownerUid}? */
    public boolean owns(long ownerUid) {
        return isAdmin() || ownerUid == uid;
    }

    /** ptrace_may_access, simplified: same uid, or the ptrace (CAP_SYS_PTRACE) role, or admin. */
    public boolean mayTrace(long ownerUid) {
        return owns(ownerUid) || roles.contains(PTRACE);
    }
}
