package org.svafabric.mm.ram;

/**
 * Free-frame watermarks of the one memory zone. Below {@code low} an allocation first reclaims
 * (direct reclaim) until {@code high} frames are free; user allocations never take the last
 * {@code min} frames, which stay for kernel allocations (page tables, SMMU tables).
 */
public record Watermarks(long min, long low, long high) {

    public Watermarks {
        if (min < 0 || low < min || high < low) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= min <= low <= high");
        }
    }

    /**
     * Linux's defaults for a zone of {@code frames} 4 KiB frames: min_free_kbytes =
     * sqrt(16 * memory in KiB), clamped to [128 KiB, 256 MiB]; low = min + min/4; high = min + min/2
     * (mm/page_alloc.c before watermark_scale_factor widened the gaps).
     */
    public static Watermarks linuxDefault(long frames) {
        long kbytes = frames * 4;
        long minKbytes = (long) Math.sqrt((double) kbytes * 16);
        minKbytes = Math.max(128, Math.min(minKbytes, 262_144));
        long min = minKbytes / 4;
        return new Watermarks(min, min + min / 4, min + min / 2);
    }
}
