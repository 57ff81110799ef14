package org.svafabric.iommu.hw;

import org.svafabric.iommu.hw.cache.ConfigCache;

/**
 * The configuration a (StreamID, SubstreamID) pair resolves to, before any address is translated: stage-1
 * translation through a CD, bypass, or a stop (a configuration error or a silent abort). Ordinary
 * transactions and ATS Translation Requests share this resolution and differ only in how they report stops.
 */
public sealed interface StreamConfig permits StreamConfig.Stage1, StreamConfig.Bypass, StreamConfig.Stop {

    /** Translate through {@code cd} (its stage-1 context), located through {@code ste}. */
    record Stage1(ConfigCache.SteEntry ste, ConfigCache.CdEntry cd) implements StreamConfig {
    }

    /**
     * No translation: STE.Config = bypass, or S1DSS = bypass for a transaction without SubstreamID.
     * {@code ste} is null only when SMMUEN = 0 with GBPA in bypass.
     */
    record Bypass(ConfigCache.SteEntry ste) implements StreamConfig {
    }

    /**
     * The transaction ends here with {@code result} (a {@link Translation.Fault} or {@link Translation.Aborted}).
     * {@code steInvalid}: it was an STE with V = 0, whose ATS requests complete with CA and no event.
     */
    record Stop(Translation result, boolean steInvalid) implements StreamConfig {
    }
}
