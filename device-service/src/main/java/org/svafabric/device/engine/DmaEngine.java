package org.svafabric.device.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

import org.svafabric.api.bits.Words;
import org.svafabric.api.json.Addr;

/**
 * Executes one job's operation over a {@link DmaPath}, segment by segment: a segment is the
 * unit of one translation batch and one bulk RAM access, and the point where an abort asked by
 * mm_exit takes effect. Stateless apart from its configuration; one engine thread runs one job
 * at a time.
 */
public final class DmaEngine {
    private final int segmentBytes;
    private final LongSupplier clock;
    private final IntPredicate addressSpaceLive;
    private final int lookahead;
    private final Executor lookaheadThreads;

    /** {@code segmentBytes}: a multiple of 8 (whole SUM64 words and RAND48 outputs per segment). */
    public DmaEngine(int segmentBytes, LongSupplier nanoClock) {
        this(segmentBytes, nanoClock, pasid -> true);
    }

    /**
     * @param addressSpaceLive iommu_sva_find for the driver: an Invalid response for a PASID whose
     *                         address space is exiting is the process's exit overtaking the job, which
     *                         the driver reports as an abort (mm_exit), not as a fault of the job
     */
    public DmaEngine(int segmentBytes, LongSupplier nanoClock, IntPredicate addressSpaceLive) {
        this(segmentBytes, nanoClock, addressSpaceLive, 0, Runnable::run);
    }

    /**
     * @param lookahead        segments translated ahead of the one being moved ({@link Lookahead}); 0: none
     * @param lookaheadThreads where the translating ahead runs, one task per running job
     */
    public DmaEngine(int segmentBytes, LongSupplier nanoClock, IntPredicate addressSpaceLive, int lookahead,
                     Executor lookaheadThreads) {
        this.addressSpaceLive = addressSpaceLive;
        this.lookahead = lookahead;
        this.lookaheadThreads = lookaheadThreads;
        if (segmentBytes < 8 || segmentBytes % 8 != 0) {
            throw new IllegalArgumentException("segment size must be a positive multiple of 8");
        }
        this.segmentBytes = segmentBytes;
        this.clock = nanoClock;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    /** Runs a job an engine took; the job ends in a final state whatever happens. */
    public void run(Job job, DmaPath path) {
        if (!job.start()) {
            return;
        }
        try {
            Outcome o = execute(job, path);
            if (o.aborted()) {
                abortAsked(job);
            } else {
                job.complete(o.result(), clock.getAsLong());
            }
        } catch (JobStopped stopped) {
            abortAsked(job);
        } catch (DmaFault f) {
            Integer pasid = job.spec().pasid();
            if (job.abortReason() != null) {
                // The machine was reset under the job (its page requests given up, its PASID gone): that, not the
                // fault it caused, is why the job ended.
                job.abort(job.abortReason() + " at offset " + Addr.hex(job.bytes()), clock.getAsLong());
            } else if (f.isInvalidResponse() && pasid != null && !addressSpaceLive.test(pasid)) {
                job.abort("aborted: the address space of PASID " + pasid + " is exiting (mm_exit) at offset "
                        + Addr.hex(job.bytes()), clock.getAsLong());
            } else {
                job.fault(f, clock.getAsLong());
            }
        } catch (RuntimeException e) {
            if (job.abortReason() != null) {
                job.abort(job.abortReason() + " at offset " + Addr.hex(job.bytes()), clock.getAsLong());
                return;
            }
            // The link to the SMMU or to RAM failed (EIO, timeout): the device reports an error on this job.
            job.fault(new DmaFault(null, "transaction failed: " + e.getMessage(), null), clock.getAsLong());
        }
    }

    private void abortAsked(Job job) {
        String why = job.abortReason() == null ? "aborted by the driver (mm_exit)" : job.abortReason();
        job.abort(why + " at offset " + Addr.hex(job.bytes()), clock.getAsLong());
    }

    /** How the op ended: its result, or stopped early because mm_exit asked. */
    private record Outcome(String result, boolean aborted) {
        static final Outcome STOPPED = new Outcome(null, true);

        static Outcome of(String result) {
            return new Outcome(result, false);
        }
    }

    public int lookahead() {
        return lookahead;
    }

    private Outcome execute(Job job, DmaPath path) {
        JobSpec s = job.spec();
        int count = (int) ((s.length() + segmentBytes - 1) / segmentBytes);
        int window = path.translatesAhead() ? lookahead : 0;
        try (Lookahead ahead = Lookahead.start(job, path, count, k -> spans(s, k), window, lookaheadThreads)) {
            return execute(job, path, ahead);
        }
    }

    /** The ranges segment {@code k} of the job reads and writes. */
    private List<DmaPath.Span> spans(JobSpec s, int k) {
        long off = (long) k * segmentBytes;
        int n = (int) Math.min(segmentBytes, s.length() - off);
        return switch (s.op()) {
            case MEMCPY -> List.of(new DmaPath.Span(s.src() + off, n, false), new DmaPath.Span(s.dst() + off, n, true));
            case MEMSET, RAND48 -> List.of(new DmaPath.Span(s.dst() + off, n, true));
            case SUM64 -> List.of(new DmaPath.Span(s.src() + off, n, false));
            case COMPARE -> List.of(new DmaPath.Span(s.src() + off, n, false), new DmaPath.Span(s.dst() + off, n, false));
        };
    }

    private Outcome execute(Job job, DmaPath path, Lookahead ahead) {
        JobSpec s = job.spec();
        Rand48 rand = s.op() == DmaOp.RAND48 ? new Rand48(s.seed()) : null;
        long sum = 0;
        int k = 0;
        for (long off = 0; off < s.length(); off += segmentBytes, k++) {
            if (job.abortRequested()) {
                return Outcome.STOPPED;
            }
            ahead.reach(k);
            int n = (int) Math.min(segmentBytes, s.length() - off);
            switch (s.op()) {
                case MEMCPY -> path.write(job, s.dst() + off, path.read(job, s.src() + off, n));
                case MEMSET -> {
                    byte[] fill = new byte[n];
                    Arrays.fill(fill, (byte) s.value());
                    path.write(job, s.dst() + off, fill);
                }
                case RAND48 -> {
                    byte[] fill = new byte[n];
                    rand.fill(fill);
                    path.write(job, s.dst() + off, fill);
                }
                case SUM64 -> {
                    byte[] words = path.read(job, s.src() + off, n);
                    for (int i = 0; i < n; i += 8) {
                        sum += Words.getLong(words, i);
                    }
                }
                case COMPARE -> {
                    byte[] a = path.read(job, s.src() + off, n);
                    byte[] b = path.read(job, s.dst() + off, n);
                    int at = Arrays.mismatch(a, b);
                    if (at >= 0) {
                        job.progress(at);
                        return Outcome.of(Addr.hex(off + at));
                    }
                }
            }
            job.progress(n);
        }
        return Outcome.of(switch (s.op()) {
            case SUM64 -> Addr.hex(sum);
            case COMPARE -> "equal";
            default -> null;
        });
    }
}
