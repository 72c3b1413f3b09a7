package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;

/**
 * The API calls that create, release, stop and delete one run's objects (its Job, pod, Secret and
 * NetworkPolicy), named by the run's attempt id.
 *
 * @apiNote Thread-safe: it holds no state besides the (thread-safe) client and the namespace.
 */
final class JobControl {

    private final KubernetesClient client;
    private final String namespace;

    JobControl(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * Creates the Job (paused), then its Secret and NetworkPolicy owned by it, then releases it
     * ({@code parallelism: 1}): only then may its pod exist.
     *
     * @throws KubernetesClientException when the API refuses or fails; objects created before stay
     *     and are the caller's to delete
     */
    void create(PodSpecs.RunObjects objects) {
        var job = client.batch().v1().jobs().inNamespace(namespace).resource(objects.job()).create();
        OwnerReference owner = PodSpecs.ownedBy(job);
        objects.inputSecret().ifPresent(s -> {
            s.getMetadata().setOwnerReferences(List.of(owner));
            client.secrets().inNamespace(namespace).resource(s).create();
        });
        objects.networkPolicy().ifPresent(p -> {
            p.getMetadata().setOwnerReferences(List.of(owner));
            client.network().v1().networkPolicies().inNamespace(namespace).resource(p).create();
        });
        scaleJob(objects.name(), 1);
    }

    /**
     * Sets the parallelism of a run's Job: 1 lets the Job controller create the pod, 0 makes it
     * create none (and delete the one it has).
     *
     * @throws KubernetesClientException when the API fails or the Job does not exist
     */
    void scale(String attempt, int parallelism) {
        scaleJob(PodSpecs.jobName(attempt), parallelism);
    }

    private void scaleJob(String job, int parallelism) {
        client.batch().v1().jobs().inNamespace(namespace).withName(job)
                .edit(j -> new JobBuilder(j).editSpec().withParallelism(parallelism).endSpec().build());
    }

    /**
     * Deletes one pod: SIGTERM now, SIGKILL after {@code grace} (whole seconds).
     *
     * @throws KubernetesClientException when the API fails
     */
    void deletePod(String pod, Duration grace) {
        client.pods().inNamespace(namespace).withName(pod).withGracePeriod(grace.toSeconds()).delete();
    }

    /**
     * Deletes a run's input_file Secret (no error when it is gone).
     *
     * @throws KubernetesClientException when the API fails
     */
    void deleteInputSecret(String attempt) {
        client.secrets().inNamespace(namespace).withName(PodSpecs.jobName(attempt)).delete();
    }

    /**
     * Deletes a run's pods (with {@code grace}, whole seconds), Job, Secret and NetworkPolicy; what
     * is already gone is skipped.
     *
     * @throws KubernetesClientException when the API fails; what was deleted before stays deleted
     */
    void deleteRun(String attempt, Duration grace) {
        String name = PodSpecs.jobName(attempt);
        client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT, attempt).withGracePeriod(grace.toSeconds()).delete();
        client.batch().v1().jobs().inNamespace(namespace).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();
        client.secrets().inNamespace(namespace).withName(name).delete();
        client.network().v1().networkPolicies().inNamespace(namespace).withName(name).delete();
    }
}
