package dev.containerrunner.engine.cli;

import java.util.Locale;

/** Durations written for people: {@code 0.04s}, {@code 12.3s}, {@code 2m05s}; clocks {@code 00:12}, {@code 1:02:03}. */
final class Durations {

    private Durations() {
    }

    /** A task's duration: two decimals under 10 s, one under a minute, then minutes and seconds. */
    static String seconds(double seconds) {
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.2fs", seconds);
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long whole = Math.round(seconds);
        return whole < 3600 ? String.format(Locale.ROOT, "%dm%02ds", whole / 60, whole % 60)
                : String.format(Locale.ROOT, "%dh%02dm%02ds", whole / 3600, whole / 60 % 60, whole % 60);
    }

    /** Elapsed time as a clock: {@code mm:ss}, from an hour on {@code h:mm:ss}. */
    static String clock(double seconds) {
        long whole = (long) Math.max(0, seconds);
        return whole < 3600 ? String.format(Locale.ROOT, "%02d:%02d", whole / 60, whole % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
    }
}
