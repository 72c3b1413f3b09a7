package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.Admission;
import dev.containerrunner.plugin.execution.CollectGuard;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.Reaper;
import dev.containerrunner.plugin.execution.RunLabels;
import dev.containerrunner.plugin.execution.TreeEntry;
import dev.containerrunner.spi.ActionFailedException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** collect_output's view of a kept run: the Job's labels, its pod's keeper container for files. */
final class KubeCollectSource {

    private KubeCollectSource() {
    }

    /** The runs kept in {@code namespace}; {@code release} deletes one through {@code reaper}. */
    static CollectSource of(KubernetesClient client, String namespace, RunnerConfig config, Reaper reaper) {
        return (action, containerId) -> {
            String name = PodSpecs.jobName(containerId);
            Job job;
            try {
                job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            } catch (KubernetesClientException e) {
                throw new ActionFailedException(action, PodStates.describe(e), e, PodStates.failureReason(e, false).spi());
            }
            if (job == null) {
                throw new ActionFailedException(action, "container " + containerId + " (job " + name + " in namespace "
                        + namespace + ") does not exist (it may have been deleted after its retention window of "
                        + config.collectRetention().toSeconds() + " s, or the run kept no directories)", null,
                        dev.containerrunner.spi.FailureReason.NOT_FOUND);
            }
            Map<String, String> labels = KubeLabels.merged(job.getMetadata());
            RunDirs dirs = RunDirs.fromAnnotation(labels.get(KubeLabels.COLLECTABLE_DIRS));
            Pod pod = client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT, containerId).list().getItems()
                    .stream().findFirst().orElse(null);
            boolean managed = RunLabels.of(labels).managed();
            if (managed && (pod == null || !dirs.collectable())) {
                throw new ActionFailedException(action, "container " + containerId + " has nothing to collect: on Kubernetes"
                        + " collect_output reads the run's output_file directory and writable_dirs, which live in its pod"
                        + (dirs.collectable() ? " (the pod is gone)" : " (this run had no writable_dirs)"), null,
                        dev.containerrunner.spi.FailureReason.NOT_FOUND);
            }
            return new Target(labels, pod, pod == null ? null : new PodFiles(client, namespace, pod.getMetadata().getName(), dirs),
                    () -> reaper.release(containerId));
        };
    }

    private record Target(Map<String, String> labels, Pod pod, PodFiles files, Runnable releaser)
            implements CollectSource.Target {

        @Override
        public boolean running() {
            var main = PodStates.main(pod);
            return main == null || main.getState().getTerminated() == null;
        }

        @Override
        public List<String> runDirectories() {
            return files.runDirectories();
        }

        @Override
        public Optional<TreeEntry> stat(String path, CollectGuard guard) throws IOException {
            try {
                return files.stat(path, guard);
            } catch (KubernetesClientException e) {
                throw new IOException(PodStates.describe(e), e);
            }
        }

        @Override
        public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) throws IOException {
            try {
                return files.entries(path, admission, guard);
            } catch (KubernetesClientException e) {
                throw new IOException(PodStates.describe(e), e);
            }
        }

        @Override
        public void release() {
            releaser.run();
        }
    }
}
