package org.svafabric.iommu.hw.pri;

import java.util.Optional;

/**
 * STE.PPAR ("PRG Response PASID Required") of a stream, read from the stream table when the PRI queue must
 * answer a request it discarded on overflow (IHI 0070 §8.1). The lead wires it to the translation side.
 */
@FunctionalInterface
public interface PparLookup {
    /**
     * STE.PPAR of {@code sid}; empty when the STE cannot be checked: SMMUEN == 0, the StreamID is out of
     * range, the fetch aborted, or the STE is invalid or ILLEGAL.
     */
    Optional<Boolean> ppar(int sid);
}
