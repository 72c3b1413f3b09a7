package dev.containerrunner.plugin.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The cgroup readings of one running container, each stamped with the time it arrived (seconds
 * after the start the owner gives), and the failure of their stream if it failed before
 * {@link #close}. Thread-safe: a backend's reader thread adds, the run reads.
 */
public final class UsageSamples implements UsageListener {

    private final LongSupplier clock;
    private final long startNanos;
    private final List<UsageSample> samples = new ArrayList<>();
    private volatile boolean closed;
    private Throwable failure; // guarded by this

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

    /**
     * Keeps the first failure of the stream, unless it came after {@link #close} (a stream ended by its
     * owner, or failing after the container's exit was seen, lost nothing).
     */
    @Override
    public synchronized void failed(Throwable cause) {
        if (!closed && failure == null) {
            failure = cause;
        }
    }

    /**
     * Takes no more readings and no failure (those arriving after the container's exit was seen describe
     * nothing more).
     */
    public synchronized void close() {
        closed = true;
    }

    /** Why the stream failed before {@link #close}; empty when it did not. */
    public synchronized Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * The usage of a run that ended {@code endSeconds} after its start, as
     * {@link ResourceUsage#measure(List, boolean, double, double, long, boolean)} decides from the
     * readings and the failure so far.
     */
    public synchronized UsageReport report(double endSeconds, double cpuLimit, long memoryLimitBytes, boolean oomKilled) {
        return ResourceUsage.measure(samples, failure != null, endSeconds, cpuLimit, memoryLimitBytes, oomKilled);
    }

    /** The readings so far, in arrival order. */
    public synchronized List<UsageSample> samples() {
        return List.copyOf(samples);
    }
}
