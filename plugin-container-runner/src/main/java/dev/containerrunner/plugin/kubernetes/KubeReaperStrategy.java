package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.ReaperStrategy;
import dev.containerrunner.plugin.execution.RunLabels;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The reaper's view of a namespace: a run is one of the runner's Jobs (its labels and annotations
 * merged), deleted with its pods, Secret and NetworkPolicy by {@link PodRun#deleteRun}. The Job's
 * {@code activeDeadlineSeconds} is the cluster-side bound when no runner is left at all.
 *
 * @apiNote Thread-safe (the client is).
 */
final class KubeReaperStrategy implements ReaperStrategy<KubeReaperStrategy.KubeRun> {

    private static final Duration GRACE = Duration.ofSeconds(1);

    /** One of the runner's Jobs. */
    record KubeRun(RunLabels labels) implements ReaperStrategy.Run {
    }

    private final KubernetesClient client;
    private final String namespace;

    KubeReaperStrategy(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    /** The runner's Jobs with an attempt label: one LIST. */
    @Override
    public List<KubeRun> list() {
        List<KubeRun> runs = new ArrayList<>();
        for (Job job : api("list jobs", () -> client.batch().v1().jobs().inNamespace(namespace)
                .withLabel(Labels.MANAGED_BY, Labels.APP).list().getItems())) {
            RunLabels labels = RunLabels.of(KubeLabels.merged(job.getMetadata()));
            if (labels.attempt() != null) {
                runs.add(new KubeRun(labels));
            }
        }
        return runs;
    }

    /** When each run's main container ended, for the runs whose has: one LIST of pods for all runs. */
    @Override
    public Map<KubeRun, Instant> mainFinishedAt(List<KubeRun> runs) {
        Map<String, Instant> byAttempt = new HashMap<>();
        for (Pod p : api("list pods", () -> client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT)
                .list().getItems())) {
            ContainerStatus main = PodStates.main(p);
            ContainerStateTerminated t = main == null ? null : main.getState().getTerminated();
            if (t != null && t.getFinishedAt() != null) {
                byAttempt.put(p.getMetadata().getLabels().get(KubeLabels.POD_ATTEMPT), Instant.parse(t.getFinishedAt()));
            }
        }
        Map<KubeRun, Instant> finished = new HashMap<>();
        for (KubeRun run : runs) {
            Instant at = byAttempt.get(run.labels().attempt());
            if (at != null) {
                finished.put(run, at);
            }
        }
        return finished;
    }

    @Override
    public void delete(KubeRun run) {
        deleteAttempt(run.labels().attempt());
    }

    @Override
    public void deleteAttempt(String attempt) {
        api("delete run " + attempt, () -> {
            PodRun.deleteRun(client, namespace, attempt, GRACE);
            return null;
        });
    }

    private static <T> T api(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw new ContainerEngineException(operation, PodStates.describe(e), e);
        }
    }
}
