package dev.containerrunner.plugin.config;

import java.time.Duration;
import java.util.List;

/**
 * The budget of one collect_output action (configuration keys under {@code apps.container_runner}):
 * how much it may return inline in total, how many entries it may read, how long it may take, and
 * how many bytes it may read through without collecting them (entries of a Docker directory archive
 * that are over budget or not regular files).
 *
 * @param maxInlineTotalBytes {@code max_inline_total_bytes}: inline content of all files of one
 *                            action together (default 16 MiB, at least {@code max_inline_bytes})
 * @param maxEntries          {@code max_collect_entries}: entries (files, directories, links,
 *                            special files) one action reads (default 1000)
 * @param timeout             {@code collect_timeout_seconds}: the action's deadline (default 600 s)
 * @param maxSkipBytes        {@code max_collect_skip_bytes}: bytes one action may read through and
 *                            discard (default 256 MiB)
 */
public record CollectLimits(long maxInlineTotalBytes, int maxEntries, Duration timeout, long maxSkipBytes) {

    static final long DEFAULT_INLINE_TOTAL = 16L << 20;
    static final long LARGEST_INLINE_TOTAL = 512L << 20;
    static final int LARGEST_ENTRIES = 100_000;
    static final int LONGEST_TIMEOUT = 24 * 3600;
    static final long LARGEST_SKIP = 1L << 40;

    /** The limits when nothing is configured and {@code max_inline_bytes} is its default. */
    public static CollectLimits defaults() {
        return new CollectLimits(DEFAULT_INLINE_TOTAL, 1000, Duration.ofSeconds(600), 256L << 20);
    }

    /** Reads the keys from the app's section; {@code maxInlineBytes} is the section's {@code max_inline_bytes}. */
    static CollectLimits read(ConfigReader r, long maxInlineBytes) {
        long total = r.longValue("max_inline_total_bytes", Math.max(DEFAULT_INLINE_TOTAL, maxInlineBytes), 0,
                LARGEST_INLINE_TOTAL);
        r.check(total >= maxInlineBytes, "max_inline_total_bytes", "(" + total + ") is below max_inline_bytes ("
                + maxInlineBytes + "): one file may not be larger than a whole action's budget");
        int entries = r.intValue(List.of("max_collect_entries"), 1000, 1, LARGEST_ENTRIES);
        int timeout = r.intValue(List.of("collect_timeout_seconds"), 600, 1, LONGEST_TIMEOUT);
        long skip = r.longValue("max_collect_skip_bytes", 256L << 20, 0, LARGEST_SKIP);
        return new CollectLimits(total, entries, Duration.ofSeconds(timeout), skip);
    }
}
