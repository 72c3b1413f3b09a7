package dev.containerrunner.plugin.execution;

/**
 * Receives a running container's cgroup readings as a backend gets them, and the failure of the
 * stream that carries them. Implementations are thread-safe.
 */
public interface UsageListener {

    /**
     * One reading: cumulative CPU time (ns), memory in use (bytes) and the kernel's memory peak so
     * far (bytes; {@code null} when the engine reports none).
     */
    void reading(long cpuNanos, long memoryBytes, Long memoryPeakBytes);

    /**
     * The stream of readings failed before its owner closed it: it could not be opened (the engine
     * unreachable, an error status), a reading could not be read, or the connection broke or ended.
     * No reading follows. Called at most once per stream, from the stream's own thread.
     */
    void failed(Throwable cause);
}
