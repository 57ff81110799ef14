package org.svafabric.device.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where job numbers come from. A job id names one job for ever: a client that polls {@code GET /jobs/j-2} after
 * device-service restarted must get "no such job", never the status of whatever job the new boot numbered 2.
 */
@FunctionalInterface
public interface JobNumbers {

    long next();

    /** The first number this boot handed out or will: a job numbered below it was submitted before a restart. */
    default long firstOfThisBoot() {
        return 1;
    }

    /** 1, 2, 3, ... for this JVM only: for tests and for a device-service without a database. */
    static JobNumbers inMemory() {
        AtomicLong n = new AtomicLong(1);
        return n::getAndIncrement;
    }

    /**
     * Numbers taken from blocks of {@code size} that {@code store} hands out once each, across boots: block b holds
     * b*size+1 .. (b+1)*size. The first block is taken at once (at boot), the next when one is used up, so the store
     * is asked once per {@code size} jobs, never per job.
     */
    static JobNumbers blocks(BlockStore store, int size) {
        return new Blocks(store, size);
    }

    /** Hands out each block number once, whatever restarts in between (device-service's database). */
    @FunctionalInterface
    interface BlockStore {
        long reserve();
    }

    final class Blocks implements JobNumbers {
        private final BlockStore store;
        private final int size;
        private final long first;
        private long next;
        private long end;

        Blocks(BlockStore store, int size) {
            if (size < 1) {
                throw new IllegalArgumentException("block size " + size);
            }
            this.store = store;
            this.size = size;
            refill();
            this.first = next;
        }

        @Override
        public long firstOfThisBoot() {
            return first;
        }

        @Override
        public synchronized long next() {
            if (next > end) {
                refill();
            }
            return next++;
        }

        private void refill() {
            long block = store.reserve();
            next = block * size + 1;
            end = (block + 1) * size;
        }
    }
}
