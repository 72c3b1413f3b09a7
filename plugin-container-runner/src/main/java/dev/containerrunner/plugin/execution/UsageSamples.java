package dev.containerrunner.plugin.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The cgroup readings of one running container, each stamped with the time it arrived (seconds
 * after the start the owner gives). Thread-safe: a backend's reader thread adds, the run reads.
 */
public final class UsageSamples implements UsageListener {

    private final LongSupplier clock;
    private final long startNanos;
    private final List<UsageSample> samples = new ArrayList<>();
    private volatile boolean closed;

    /** Readings timed from {@code startNanos} ({@link System#nanoTime()} when the container started). */
    public UsageSamples(long startNanos) {
        this(startNanos, System::nanoTime);
    }

    /** As {@link #UsageSamples(long)}, on {@code clock} (nanoseconds). */
    public UsageSamples(long startNanos, LongSupplier clock) {
        this.startNanos = startNanos;
        this.clock = clock;
    }

    @Override
    public synchronized void reading(long cpuNanos, long memoryBytes, Long memoryPeakBytes) {
        if (!closed) {
            samples.add(new UsageSample((clock.getAsLong() - startNanos) / 1e9, cpuNanos, memoryBytes, memoryPeakBytes));
        }
    }

    /** Takes no more readings (those arriving after the container's exit was seen describe nothing more). */
    public void close() {
        closed = true;
    }

    /** The readings so far, in arrival order. */
    public synchronized List<UsageSample> samples() {
        return List.copyOf(samples);
    }
}
