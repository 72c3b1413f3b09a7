package dev.containerrunner.plugin;

import dev.containerrunner.plugin.execution.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every pod the runner's runs had while it watched, by run (attempt label): a run has exactly one
 * pod, so a second name means the Job controller replaced a pod the runner deleted while the Job
 * still wanted one.
 */
final class RunPods implements AutoCloseable {

    private final Map<String, Set<String>> podsByRun = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Pod> informer;

    private RunPods(KubernetesClient cluster) {
        informer = cluster.pods().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.ATTEMPT)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        seen(pod);
                    }

                    @Override
                    public void onUpdate(Pod before, Pod pod) {
                        seen(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean finalStateUnknown) {
                        seen(pod);
                    }
                }, 0);
    }

    /** Starts watching the namespace's run pods; returns once the watch has listed them. */
    static RunPods watch(KubernetesClient cluster) {
        return new RunPods(cluster);
    }

    private void seen(Pod pod) {
        String attempt = pod.getMetadata().getLabels().get(Labels.ATTEMPT);
        podsByRun.computeIfAbsent(attempt, a -> ConcurrentHashMap.newKeySet()).add(pod.getMetadata().getName());
    }

    /** The runs that had more than one pod, with the pods' names. */
    Map<String, Set<String>> runsWithMoreThanOnePod() {
        Map<String, Set<String>> more = new TreeMap<>();
        podsByRun.forEach((attempt, names) -> {
            if (names.size() > 1) {
                more.put(attempt, Set.copyOf(names));
            }
        });
        return more;
    }

    /** How many runs had a pod while watched. */
    int runs() {
        return podsByRun.size();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
