package dev.containerrunner.plugin.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.containerrunner.plugin.docker.DockerGateway.StatsStream;
import dev.containerrunner.plugin.execution.UsageListener;
import java.util.Optional;

/**
 * A running container's cgroup readings from the engine's stats API ({@code GET
 * /containers/{id}/stats}, streamed): the engine's stats collector reads every subscribed
 * container's cgroup once per tick (every second on Docker 20.10, whatever the client asks; a
 * {@code one-shot} request also waits for the next tick), and each reading becomes one
 * {@link UsageListener#reading}. Only the Docker API is used, never the host's cgroup files. On a Unix
 * socket the stream goes through {@link UnixSocketStats}; through docker-java ({@link DockerJavaStats}) otherwise.
 */
final class DockerStats {

    private DockerStats() {
    }

    /**
     * Streams {@code containerId}'s readings to {@code listener} on docker-java's stream thread
     * until the returned stream is closed; a failure of the stream, from its opening on, goes to
     * {@link UsageListener#failed} ({@link DockerJavaStats}), never thrown.
     */
    static StatsStream stream(DockerClient client, String containerId, UsageListener listener) {
        DockerJavaStats stream = new DockerJavaStats(containerId, listener);
        client.statsCmd(containerId).withNoStream(false).exec(stream);
        return stream;
    }

    /** One reading as the engine reports it: CPU ns, memory bytes, the kernel's peak (null when not reported). */
    record Reading(long cpuNanos, long memoryBytes, Long memoryPeakBytes) {
    }

    /**
     * The reading in {@code s}; empty for the engine's empty frame (a container not running:
     * {@code read} of year 1, no CPU and no memory figures).
     */
    static Optional<Reading> reading(Statistics s) {
        if (s == null || EngineTime.instant(s.getRead()) == null) {
            return Optional.empty();
        }
        CpuStatsConfig cpu = s.getCpuStats();
        MemoryStatsConfig mem = s.getMemoryStats();
        Long cpuNanos = cpu == null || cpu.getCpuUsage() == null ? null : cpu.getCpuUsage().getTotalUsage();
        Long usage = mem == null ? null : mem.getUsage();
        if (cpuNanos == null || usage == null) {
            return Optional.empty();
        }
        Long peak = mem.getMaxUsage() == null || mem.getMaxUsage() <= 0 ? null : mem.getMaxUsage();
        return Optional.of(new Reading(cpuNanos, usage, peak));
    }
}
