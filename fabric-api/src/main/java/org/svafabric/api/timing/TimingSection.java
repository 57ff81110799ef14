package org.svafabric.api.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The topology's {@code timing:} section: cost overrides by {@link Cost#key()} (nanoseconds) and the
 * number of IOPF workers the model assumes. Absent entries keep the defaults.
 *
 * <pre>
 * timing:
 *   iopfWorkers: 4
 *   costs: { atsRoundTrip: 800, mmFaultSwapIn: 80000 }
 * </pre>
 */
public record TimingSection(Integer iopfWorkers, Map<String, Long> costs) {

    public TimingSection {
        costs = costs == null ? Map.of() : Map.copyOf(costs);
    }

    public static TimingSection defaults() {
        return new TimingSection(null, null);
    }

    /** The reasons this section is not valid, empty when it is. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (iopfWorkers != null && iopfWorkers < 1) {
            p.add("timing.iopfWorkers must be >= 1");
        }
        TimingTable.problems(costs).forEach(x -> p.add(x.replaceFirst("^timing\\.", "timing.costs.")));
        return p;
    }

    /** The defaults with this section applied. */
    public TimingTable table() {
        TimingTable t = TimingTable.defaults().with(costs);
        return iopfWorkers == null ? t : t.withIopfWorkers(iopfWorkers);
    }
}
