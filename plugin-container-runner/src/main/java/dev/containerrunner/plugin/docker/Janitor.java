package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.docker.DockerGateway.ContainerInfo;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeInfo;
import dev.containerrunner.plugin.execution.Sweeps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what the runner created once it is no longer wanted, deciding by labels only (so it also
 * cleans up after a process that crashed). An object is removed when:
 * <ul>
 *   <li>its owner process is gone (same host, no process with that pid and start time), or</li>
 *   <li>its hard bound {@code expires-at} has passed (running or not), or</li>
 *   <li>it is an exited container whose retention window (from its exit) has passed.</li>
 * </ul>
 * Sweeps run when the app first talks to the engine (reaping at start-up) and then periodically.
 * Volumes go with their container (same {@code attempt} label) or by the same rules.
 */
public final class Janitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);

    private final DockerGateway gateway;
    private final Clock clock;
    private final java.util.Set<String> retry = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService scheduler;

    public Janitor(DockerGateway gateway, Clock clock) {
        this.gateway = gateway;
        this.clock = clock;
    }

    /** Sweeps now, then every {@code interval}. */
    public synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        Sweep first = sweep();
        if (first.total() > 0) {
            LOG.info("reaped at start-up: {} containers and {} volumes left by earlier runs", first.containers(), first.volumes());
        }
        scheduler = Sweeps.every(interval, "container-runner-janitor", this::sweep);
    }


    /** What one sweep removed. */
    public record Sweep(int containers, int volumes) {
        int total() {
            return containers + volumes;
        }
    }

    /** Remembers an attempt whose removal failed (e.g. the engine was down); every sweep retries it. */
    public void removeLater(String attemptId) {
        retry.add(attemptId);
    }

    public synchronized Sweep sweep() {
        for (String attempt : List.copyOf(retry)) {
            try {
                removeMatching(Map.of(Labels.MANAGED_BY, Labels.APP, Labels.ATTEMPT, attempt));
                retry.remove(attempt);
            } catch (ContainerEngineException e) {
                LOG.debug("attempt {} still not removable: {}", attempt, e.getMessage());
            }
        }
        Instant now = clock.instant();
        int containers = 0;
        for (ContainerInfo c : gateway.findContainers(Labels.managed())) {
            if (removable(c, now) && removeContainer(c.id())) {
                containers++;
            }
        }
        int volumes = 0;
        for (VolumeInfo v : gateway.findVolumes(Labels.managed())) {
            if ((Labels.ownerIsGone(v.labels()) || Labels.expired(v.labels(), now)) && removeVolume(v.name())) {
                volumes++;
            }
        }
        return new Sweep(containers, volumes);
    }

    private boolean removable(ContainerInfo c, Instant now) {
        if (Labels.ownerIsGone(c.labels()) || Labels.expired(c.labels(), now)) {
            return true;
        }
        if (c.running()) {
            return false;
        }
        long retention = Labels.longValue(c.labels(), Labels.RETENTION, 0);
        try {
            Instant finished = gateway.inspect(c.id()).finishedAt();
            return finished != null && !finished.plusSeconds(retention).isAfter(now);
        } catch (ContainerEngineException e) {
            return false; // gone meanwhile, or the engine hiccuped: the next sweep decides
        }
    }

    /** Removes the objects of finished runs this process keeps only until the run ends. */
    public void runFinished(String runId) {
        Map<String, String> filter = new HashMap<>(Labels.ownedByThisProcess());
        filter.put(Labels.RUN, runId);
        filter.put(Labels.RELEASE_AT_RUN_END, "true");
        removeMatching(filter);
    }

    /** Removes one attempt's container and volumes now. */
    public void removeAttempt(String attemptId) {
        removeMatching(Map.of(Labels.MANAGED_BY, Labels.APP, Labels.ATTEMPT, attemptId));
    }

    private void removeMatching(Map<String, String> filter) {
        for (ContainerInfo c : gateway.findContainers(filter)) {
            removeContainer(c.id());
        }
        for (VolumeInfo v : gateway.findVolumes(filter)) {
            removeVolume(v.name());
        }
    }

    private boolean removeContainer(String id) {
        try {
            gateway.removeContainer(id);
            return true;
        } catch (ContainerEngineException e) {
            LOG.warn("could not remove container {}: {}", id, e.getMessage());
            return false;
        }
    }

    private boolean removeVolume(String name) {
        try {
            gateway.removeVolume(name);
            return true;
        } catch (ContainerEngineException e) {
            LOG.debug("volume {} not removed yet: {}", name, e.getMessage()); // e.g. still in use
            return false;
        }
    }

    /** Stops sweeping and removes everything this process still keeps. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        removeMatching(Labels.ownedByThisProcess());
    }
}
