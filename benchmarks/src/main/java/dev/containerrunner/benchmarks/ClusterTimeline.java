package dev.containerrunner.benchmarks;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * When each stage of a run's objects was first seen, in {@link System#nanoTime()} of this JVM, read
 * from two namespace-wide watches (pods and Jobs). The API server's own timestamps
 * ({@code creationTimestamp}, conditions, container states, events) have a resolution of one
 * second in Kubernetes 1.20, too coarse for a one-second task; the watch sees each change a few
 * milliseconds after it was written. A run is keyed by the benchmark's label
 * {@value #KEY_LABEL} where present, else by its Job's name (the runner's objects).
 *
 * @apiNote Thread-safe: the watches record on fabric8's threads, callers wait on theirs.
 */
final class ClusterTimeline implements AutoCloseable {

    /** The label that names a benchmark repetition on each of its objects (pod template included). */
    static final String KEY_LABEL = "container-runner-bench/run";

    /** A stage of a run, in the order a run passes them. */
    enum Stage {
        /** The Job was created. */
        JOB_SEEN,
        /** The Job asks for a pod (parallelism ≥ 1): at creation for a plain Job, at the unpause for a paused one. */
        JOB_RELEASED,
        /** The pod exists (made by the Job controller, or created directly). */
        POD_SEEN,
        /** The scheduler bound the pod to a node. */
        POD_SCHEDULED,
        /** The main container ended. */
        MAIN_TERMINATED,
        /** The pod's phase is Succeeded. */
        POD_SUCCEEDED,
        /** The Job has its Complete condition. */
        JOB_COMPLETE,
        /** The pod is gone from the API. */
        POD_DELETED,
        /** The Job is gone from the API. */
        JOB_DELETED
    }

    private final Map<String, Map<Stage, CompletableFuture<Long>>> runs = new ConcurrentHashMap<>();
    private final Map<String, String> podNames = new ConcurrentHashMap<>();
    private final Watch pods;
    private final Watch jobs;

    ClusterTimeline(KubernetesClient client, String namespace) {
        this.pods = client.pods().inNamespace(namespace).watch(new Recorder<>() {
            @Override
            void seen(Action action, Pod pod, long at) {
                String key = key(pod, pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("job-name"));
                if (key == null) {
                    return;
                }
                if (action == Action.DELETED) {
                    mark(key, Stage.POD_DELETED, at);
                    return;
                }
                podNames.putIfAbsent(key, pod.getMetadata().getName());
                mark(key, Stage.POD_SEEN, at);
                if (pod.getSpec().getNodeName() != null) {
                    mark(key, Stage.POD_SCHEDULED, at);
                }
                if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
                    for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
                        if ("main".equals(s.getName()) && s.getState() != null && s.getState().getTerminated() != null) {
                            mark(key, Stage.MAIN_TERMINATED, at);
                        }
                    }
                }
                if (pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase())) {
                    mark(key, Stage.POD_SUCCEEDED, at);
                }
            }
        });
        this.jobs = client.batch().v1().jobs().inNamespace(namespace).watch(new Recorder<>() {
            @Override
            void seen(Action action, Job job, long at) {
                String key = key(job, job.getMetadata().getName());
                if (action == Action.DELETED) {
                    mark(key, Stage.JOB_DELETED, at);
                    return;
                }
                mark(key, Stage.JOB_SEEN, at);
                Integer parallelism = job.getSpec().getParallelism();
                if (parallelism == null || parallelism > 0) {
                    mark(key, Stage.JOB_RELEASED, at);
                }
                if (job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions().stream()
                        .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()))) {
                    mark(key, Stage.JOB_COMPLETE, at);
                }
            }
        });
    }

    private static String key(HasMetadata object, String otherwise) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String key = labels == null ? null : labels.get(KEY_LABEL);
        return key != null ? key : otherwise;
    }

    private CompletableFuture<Long> stage(String key, Stage stage) {
        return runs.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).computeIfAbsent(stage, s -> new CompletableFuture<>());
    }

    private void mark(String key, Stage stage, long at) {
        stage(key, stage).complete(at); // the first sighting wins
    }

    /**
     * Waits until {@code key} reached {@code stage} and returns when it was first seen (nanoTime).
     *
     * @throws IllegalStateException when it did not within {@code timeout}
     */
    long await(String key, Stage stage, Duration timeout) {
        try {
            return stage(key, stage).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(key + " did not reach " + stage + " within " + timeout.toSeconds() + " s; seen: "
                    + seen(key).keySet(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The stages {@code key} reached so far, with when (nanoTime). */
    Map<Stage, Long> seen(String key) {
        Map<Stage, Long> seen = new EnumMap<>(Stage.class);
        runs.getOrDefault(key, Map.of()).forEach((stage, at) -> {
            if (at.isDone()) {
                seen.put(stage, at.join());
            }
        });
        return seen;
    }

    /** The name of the pod of run {@code key} (the Job controller names a Job's pod), or {@code key} when none was seen. */
    String podName(String key) {
        return podNames.getOrDefault(key, key);
    }

    /** The keys seen so far. */
    Set<String> keys() {
        return Set.copyOf(runs.keySet());
    }

    @Override
    public void close() {
        pods.close();
        jobs.close();
    }

    /** Stamps each event on arrival; a closed watch is reported (fabric8 reconnects on its own). */
    private abstract static class Recorder<T> implements Watcher<T> {
        abstract void seen(Action action, T object, long at);

        @Override
        public void eventReceived(Action action, T object) {
            seen(action, object, System.nanoTime());
        }

        @Override
        public void onClose(WatcherException cause) {
            System.err.println("timeline watch closed: " + cause.getMessage());
        }
    }
}
