package dev.containerrunner.plugin.execution;

/**
 * One reading of a running container's cgroup: {@code atSeconds} after the container started (the
 * runner's monotonic clock, when the reading arrived), cumulative CPU time in nanoseconds, memory
 * in use in bytes, and the kernel's own memory peak so far in bytes ({@code null} where the engine
 * does not report one, e.g. cgroup v2 on Docker 20.10).
 */
public record UsageSample(double atSeconds, long cpuNanos, long memoryBytes, Long memoryPeakBytes) {
}
