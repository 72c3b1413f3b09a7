package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.ContainerInfo;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeInfo;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.ReaperStrategy;
import dev.containerrunner.plugin.execution.RunLabels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaper's view of the Docker engine: a run is an attempt's container and volumes (found by
 * their labels); an object without an attempt label is a run of its own. A run's main container
 * ended when its stopped container did.
 *
 * @apiNote Thread-safe (the gateway is).
 */
final class DockerReaperStrategy implements ReaperStrategy<DockerReaperStrategy.DockerRun> {

    private static final Logger LOG = LoggerFactory.getLogger(DockerReaperStrategy.class);

    /** An attempt's objects as listed; {@code labels} are its container's when it has one. */
    record DockerRun(RunLabels labels, List<ContainerInfo> containers, List<String> volumes) implements ReaperStrategy.Run {
    }

    private final DockerGateway gateway;

    DockerReaperStrategy(DockerGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public List<DockerRun> list() {
        Map<String, List<ContainerInfo>> containers = new LinkedHashMap<>();
        Map<String, List<String>> volumes = new LinkedHashMap<>();
        Map<String, Map<String, String>> labels = new HashMap<>();
        for (ContainerInfo c : gateway.findContainers(Labels.managed())) {
            String key = key(c.labels(), "container " + c.id());
            containers.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            labels.putIfAbsent(key, c.labels());
        }
        for (VolumeInfo v : gateway.findVolumes(Labels.managed())) {
            String key = key(v.labels(), "volume " + v.name());
            volumes.computeIfAbsent(key, k -> new ArrayList<>()).add(v.name());
            labels.putIfAbsent(key, v.labels());
        }
        List<DockerRun> runs = new ArrayList<>();
        labels.forEach((key, l) -> runs.add(new DockerRun(RunLabels.of(l), containers.getOrDefault(key, List.of()),
                volumes.getOrDefault(key, List.of()))));
        return runs;
    }

    private static String key(Map<String, String> labels, String object) {
        String attempt = labels.get(Labels.ATTEMPT);
        return attempt != null ? "attempt " + attempt : object;
    }

    /** Asks the engine when each run's stopped container ended; running containers have not. */
    @Override
    public Map<DockerRun, Instant> mainFinishedAt(List<DockerRun> runs) {
        Map<DockerRun, Instant> finished = new HashMap<>();
        for (DockerRun run : runs) {
            for (ContainerInfo c : run.containers()) {
                if (c.running()) {
                    continue;
                }
                try {
                    Instant at = gateway.inspect(c.id()).finishedAt();
                    if (at != null) {
                        finished.put(run, at);
                    }
                } catch (ContainerEngineException e) {
                    // gone meanwhile, or the engine hiccuped: the next sweep decides
                    LOG.debug("cannot tell when container {} ended: {}", c.id(), e.getMessage());
                }
            }
        }
        return finished;
    }

    @Override
    public void delete(DockerRun run) {
        remove(run.containers().stream().map(ContainerInfo::id).toList(), run.volumes());
    }

    @Override
    public void deleteAttempt(String attempt) {
        Map<String, String> filter = Map.of(Labels.MANAGED_BY, Labels.APP, Labels.ATTEMPT, attempt);
        remove(gateway.findContainers(filter).stream().map(ContainerInfo::id).toList(),
                gateway.findVolumes(filter).stream().map(VolumeInfo::name).toList());
    }

    /** Removes the containers, then their volumes; tries all, then throws the first failure. */
    private void remove(List<String> containers, List<String> volumes) {
        ContainerEngineException failed = null;
        for (String id : containers) {
            failed = attempt(() -> gateway.removeContainer(id), failed);
        }
        for (String name : volumes) {
            failed = attempt(() -> gateway.removeVolume(name), failed);
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static ContainerEngineException attempt(Runnable removal, ContainerEngineException earlier) {
        try {
            removal.run();
            return earlier;
        } catch (ContainerEngineException e) {
            if (earlier == null) {
                return e;
            }
            earlier.addSuppressed(e);
            return earlier;
        }
    }
}
