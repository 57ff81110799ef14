package org.svafabric.iommu.hw.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.Translation;
import org.svafabric.iommu.hw.fixture.SmmuFixture;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.walker.Access;

/**
 * Translation throughput of the SMMU model over {@link org.svafabric.api.bus.LocalMemoryBus}:
 * <ul>
 * <li>{@code hitCached}: IOTLB hit, configuration cached, the allocation-free path devices use first
 *     ({@code SmmuV3.translateCached}); the target is at least 20 million per second per core;</li>
 * <li>{@code hitTranslate}: the same hits through {@code SmmuV3.translate}, which builds the result object with
 *     its cost;</li>
 * <li>{@code missWalk}: every translation misses a small IOTLB (16 entries over 4096 pages) and walks; the walk
 *     cache supplies the level-3 table, so a miss reads one descriptor.</li>
 * </ul>
 * Run: {@code ./mvnw -pl iommu-service -Pjmh test-compile exec:exec -Djmh.args="SmmuTranslateBenchmark -f1 -wi 2 -i 3"}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SmmuTranslateBenchmark {
    private static final int SID = 1;
    private static final int PASID = 1;
    private static final long BASE = 0x0000_7000_0000_0000L;

    /** An SMMU with one bound PASID whose pages map {@code pages} consecutive 4 KiB pages from {@link #BASE}. */
    static SmmuFixture boundSmmu(SmmuConfig config, int pages) {
        SmmuFixture f = new SmmuFixture(config);
        PageTableBuilder pt = new PageTableBuilder(f.bus);
        for (int i = 0; i < pages; i++) {
            pt.mapUser(BASE + ((long) i << 12), SmmuFixture.DATA_BASE + ((long) i << 12), true, true, false, true, true);
        }
        long cd = f.stage1Stream(SID, 2);
        f.writeCd(cd, PASID, SmmuFixture.svaCd(pt.pgd(), 9));
        f.enable();
        return f;
    }

    @State(Scope.Benchmark)
    public static class Hit {
        static final int PAGES = 256;
        SmmuFixture f;
        TransactionRequest[] requests;

        @Setup(Level.Trial)
        public void setUp() {
            f = boundSmmu(SmmuConfig.defaults(), PAGES);
            requests = new TransactionRequest[PAGES];
            for (int i = 0; i < PAGES; i++) {
                requests[i] = TransactionRequest.read(SID, PASID, BASE + ((long) i << 12) + 0x40);
                if (!(f.smmu.translate(requests[i]) instanceof Translation.Ok)) {
                    throw new IllegalStateException("page " + i + " does not translate");
                }
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Miss {
        static final int PAGES = 4096;
        SmmuFixture f;
        TransactionRequest[] requests;

        @Setup(Level.Trial)
        public void setUp() {
            f = boundSmmu(SmmuConfig.builder().tlbEntries(16).tlbWays(4).build(), PAGES);
            requests = new TransactionRequest[PAGES];
            for (int i = 0; i < PAGES; i++) {
                requests[i] = TransactionRequest.read(SID, PASID, BASE + ((long) i << 12));
            }
        }
    }

    /** Each benchmark thread walks its own sequence of pages. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    public long hitCached(Hit s, Cursor c) {
        int i = c.next++ & (Hit.PAGES - 1);
        return s.f.smmu.translateCached(SID, PASID, BASE + ((long) i << 12) + 0x40, Access.READ);
    }

    @Benchmark
    public Translation hitTranslate(Hit s, Cursor c) {
        return s.f.smmu.translate(s.requests[c.next++ & (Hit.PAGES - 1)]);
    }

    @Benchmark
    public Translation missWalk(Miss s, Cursor c) {
        c.next += 17; // a stride that defeats the 16-entry TLB
        return s.f.smmu.translate(s.requests[c.next & (Miss.PAGES - 1)]);
    }
}
