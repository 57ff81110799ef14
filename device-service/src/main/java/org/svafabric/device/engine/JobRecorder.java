package org.svafabric.device.engine;

import java.util.Arrays;
import java.util.List;

import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.timing.ModelTime;
import org.svafabric.api.timing.TimingModel;
import org.svafabric.api.timing.TimingTable;

/**
 * Where the device's DMA path records what one job did, as it happens ({@link DmaEvent}s), and the
 * wall-clock round trips of its page-request groups. The events go straight to the job's model clock,
 * which keeps only totals, so a long job holds no list of them; at most {@value #MAX_ROUND_TRIPS} round
 * trips are kept (the first ones).
 */
public final class JobRecorder {
    public static final int MAX_ROUND_TRIPS = 1024;

    private final TimingModel.Clock clock;
    /** Guarded by {@code this}. */
    private long[] roundTrips = new long[16];
    private int roundTripCount;

    public JobRecorder(TimingTable table) {
        this.clock = new TimingModel(table).start();
    }

    public void record(DmaEvent e) {
        clock.add(e);
    }

    /** A page-request group's wall-clock round trip as the device measured it, send to PRG Response. */
    public synchronized void prgRoundTrip(long nanos) {
        if (roundTripCount == MAX_ROUND_TRIPS) {
            return;
        }
        if (roundTripCount == roundTrips.length) {
            roundTrips = Arrays.copyOf(roundTrips, Math.min(MAX_ROUND_TRIPS, roundTrips.length * 2));
        }
        roundTrips[roundTripCount++] = nanos;
    }

    public ModelTime model() {
        return clock.time();
    }

    /** The recorded round trips in microseconds (rounded down), in the order the responses came. */
    public synchronized List<Long> prgRoundTripMicros() {
        Long[] out = new Long[roundTripCount];
        for (int i = 0; i < roundTripCount; i++) {
            out[i] = roundTrips[i] / 1000;
        }
        return List.of(out);
    }
}
