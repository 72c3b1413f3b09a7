package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.Sweeps;
import dev.containerrunner.plugin.execution.Labels;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker janitor's rules applied to the runner's Jobs in the namespace, by labels and
 * annotations only: a run is deleted when its owner process is gone (same host), its
 * {@code expires-at} has passed, or its main container ended longer than its retention ago. The
 * Job's {@code activeDeadlineSeconds} is the cluster-side bound when no runner is left at all.
 */
final class KubeJanitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeJanitor.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final Set<String> retry = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService scheduler;

    KubeJanitor(KubernetesClient client, String namespace, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
    }

    synchronized void start(Duration interval) {
        if (scheduler != null) {
            return;
        }
        int first = sweep();
        if (first > 0) {
            LOG.info("reaped at start-up: {} Kubernetes runs left by earlier processes", first);
        }
        scheduler = Sweeps.every(interval, "container-runner-k8s-janitor", this::sweep);
    }

    void removeLater(String attempt) {
        retry.add(attempt);
    }

    /** The runner's Jobs in the namespace, with their labels and annotations merged. */
    List<Job> managedJobs() {
        return client.batch().v1().jobs().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.APP).list().getItems();
    }

    static Map<String, String> labelsOf(Job job) {
        return KubeLabels.merged(job.getMetadata().getLabels(), job.getMetadata().getAnnotations());
    }

    synchronized int sweep() {
        for (String attempt : List.copyOf(retry)) {
            if (delete(attempt)) {
                retry.remove(attempt);
            }
        }
        Instant now = clock.instant();
        List<Job> jobs = managedJobs();
        Map<String, Instant> finished = jobs.isEmpty() ? Map.of() : mainFinishedAt();
        int removed = 0;
        for (Job job : jobs) {
            Map<String, String> labels = labelsOf(job);
            String attempt = labels.get(Labels.ATTEMPT);
            if (attempt != null && removable(labels, finished.get(attempt), now) && delete(attempt)) {
                removed++;
            }
        }
        return removed;
    }

    private static boolean removable(Map<String, String> labels, Instant finished, Instant now) {
        if (Labels.ownerIsGone(labels) || Labels.expired(labels, now)) {
            return true;
        }
        long retention = Labels.longValue(labels, Labels.RETENTION, 0);
        return finished != null && !finished.plusSeconds(retention).isAfter(now);
    }

    /** When each run's main container ended, for the runs whose has: one LIST for all runs. */
    private Map<String, Instant> mainFinishedAt() {
        Map<String, Instant> finished = new HashMap<>();
        for (Pod p : client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT).list().getItems()) {
            ContainerStatus main = PodStates.main(p);
            ContainerStateTerminated t = main == null ? null : main.getState().getTerminated();
            if (t != null && t.getFinishedAt() != null) {
                finished.put(p.getMetadata().getLabels().get(KubeLabels.POD_ATTEMPT), Instant.parse(t.getFinishedAt()));
            }
        }
        return finished;
    }

    boolean delete(String attempt) {
        try {
            PodRun.deleteRun(client, namespace, attempt, Duration.ofSeconds(1));
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("could not delete run {}: {}", attempt, e.getMessage());
            return false;
        }
    }

    /** Deletes the runs of a finished workflow run that this process keeps only until then. */
    void runFinished(String runId) {
        for (Job job : managedJobs()) {
            Map<String, String> labels = labelsOf(job);
            if (runId.equals(labels.get(Labels.RUN)) && "true".equals(labels.get(Labels.RELEASE_AT_RUN_END))
                    && Labels.ownerId().equals(labels.get(Labels.OWNER))) {
                delete(labels.get(Labels.ATTEMPT));
            }
        }
    }

    /** Stops sweeping and deletes every run this process still keeps. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        try {
            for (Job job : managedJobs()) {
                Map<String, String> labels = labelsOf(job);
                if (Labels.ownerId().equals(labels.get(Labels.OWNER))) {
                    delete(labels.get(Labels.ATTEMPT));
                }
            }
        } catch (KubernetesClientException e) {
            // the cluster is unreachable: the Jobs' expiry and activeDeadlineSeconds still bound them
            LOG.warn("could not delete this process's runs at close: {}", e.getMessage());
        }
    }
}
