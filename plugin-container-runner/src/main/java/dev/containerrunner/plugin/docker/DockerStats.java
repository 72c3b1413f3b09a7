package dev.containerrunner.plugin.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.containerrunner.plugin.docker.DockerGateway.StatsStream;
import dev.containerrunner.plugin.execution.UsageListener;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running container's cgroup readings from the engine's stats API ({@code GET
 * /containers/{id}/stats}, streamed): the engine's stats collector reads every subscribed
 * container's cgroup once per tick (every second on Docker 20.10, whatever the client asks; a
 * {@code one-shot} request also waits for the next tick), and each reading becomes one
 * {@link UsageListener#reading}. Only the Docker API is used, never the host's cgroup files. On a Unix
 * socket the stream goes through {@link UnixSocketStats}; through docker-java ({@link #stream}) otherwise.
 */
final class DockerStats {

    private static final Logger LOG = LoggerFactory.getLogger(DockerStats.class);

    private DockerStats() {
    }

    /**
     * Streams {@code containerId}'s readings to {@code listener} on docker-java's stream thread
     * until the returned stream is closed or the container stops. Failures of the stream are logged
     * (usage is then reported from the readings before them, or as not sampled), never thrown.
     */
    static StatsStream stream(DockerClient client, String containerId, UsageListener listener) {
        ResultCallback.Adapter<Statistics> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Statistics s) {
                reading(s).ifPresent(r -> listener.reading(r.cpuNanos(), r.memoryBytes(), r.memoryPeakBytes()));
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("stats of {} ended: {}", containerId, t.toString());
                super.onError(t);
            }
        };
        client.statsCmd(containerId).withNoStream(false).exec(callback);
        return () -> Quietly.close(callback);
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
