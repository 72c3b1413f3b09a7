package dev.containerrunner.plugin.execution;

/** Receives a running container's cgroup readings as a backend gets them. Implementations are thread-safe. */
@FunctionalInterface
public interface UsageListener {

    /**
     * One reading: cumulative CPU time (ns), memory in use (bytes) and the kernel's memory peak so
     * far (bytes; {@code null} when the engine reports none).
     */
    void reading(long cpuNanos, long memoryBytes, Long memoryPeakBytes);
}
