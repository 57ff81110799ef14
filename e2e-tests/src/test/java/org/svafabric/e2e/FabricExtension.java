package org.svafabric.e2e;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Boots one {@link Fabric} per test JVM, on first use, and hands it to test constructors or
 * methods that declare a {@code Fabric} parameter. Scenario tests share it: each creates its own
 * processes, so they do not see each other's state.
 */
public class FabricExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Fabric.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class).fabric;
    }

    /** Closed by JUnit when the root context closes, i.e. after the last test of the run. */
    static final class Holder implements AutoCloseable {
        final Fabric fabric;

        Holder() {
            try {
                fabric = Fabric.start();
            } catch (Exception e) {
                throw new IllegalStateException("could not boot the fabric", e);
            }
        }

        @Override
        public void close() {
            fabric.close();
        }
    }
}
