package org.svafabric.iommu.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.sva.SvaFeature;

/** The JSON spelling of the v1 SVA features ("PASID", "IOPF") and the flags of bind. */
final class SvaFeatures {
    private SvaFeatures() {
    }

    static Set<SvaFeature> parse(List<String> names) {
        Set<SvaFeature> out = EnumSet.noneOf(SvaFeature.class);
        if (names == null) {
            return out;
        }
        for (String n : names) {
            try {
                out.add(SvaFeature.valueOf(n == null ? "" : n.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ErrnoException.invalid("unknown SVA feature or flag \"" + n + "\" (PASID, IOPF)");
            }
        }
        return out;
    }

    static Set<String> names(Set<SvaFeature> features) {
        Set<String> out = new TreeSet<>();
        features.forEach(f -> out.add(f.name()));
        return out;
    }
}
