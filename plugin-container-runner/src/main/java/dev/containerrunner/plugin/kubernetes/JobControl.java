package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API calls that create, release, stop and delete one run's objects (its Job, pod, Secret and
 * NetworkPolicy), named by the run's attempt id.
 *
 * @apiNote Thread-safe: it holds no state besides the (thread-safe) client and the namespace.
 */
final class JobControl {

    /** How long deleting a run waits for the controller manager to let go of its pods before deleting them anyway. */
    static final Duration RELEASE_WAIT = Duration.ofSeconds(5);
    private static final Duration RELEASE_POLL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(JobControl.class);

    private final KubernetesClient client;
    private final String namespace;

    JobControl(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /**
     * Creates the Job (paused), then its Secrets (image pull, the run's secrets, input_file) and
     * NetworkPolicy owned by it, then releases it ({@code parallelism: 1}): only then may its pod exist.
     *
     * @throws KubernetesClientException when the API refuses or fails; objects created before stay
     *     and are the caller's to delete
     */
    void create(PodSpecs.RunObjects objects, Optional<Secret> pullSecret, Optional<Secret> runSecret) {
        var job = client.batch().v1().jobs().inNamespace(namespace).resource(objects.job()).create();
        OwnerReference owner = PodSpecs.ownedBy(job);
        pullSecret.ifPresent(s -> {
            s.getMetadata().setOwnerReferences(List.of(owner));
            client.secrets().inNamespace(namespace).resource(s).create();
        });
        runSecret.ifPresent(s -> {
            s.getMetadata().setOwnerReferences(List.of(owner));
            client.secrets().inNamespace(namespace).resource(s).create();
        });
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
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"parallelism\":" + parallelism + "}}");
    }

    /**
     * Deletes one pod: SIGTERM now, SIGKILL after {@code grace} (whole seconds; 0 is taken as
     * {@link #gracefulSeconds 1}). The object stays until the kubelet stopped the containers and
     * wrote their terminated states.
     *
     * @throws KubernetesClientException when the API fails
     */
    void deletePod(String pod, Duration grace) {
        client.pods().inNamespace(namespace).withName(pod).withGracePeriod(gracefulSeconds(grace)).delete();
    }

    /**
     * The grace period, in whole seconds, of a pod deletion that stops a run: {@code grace}, at least
     * 1. A grace period of 0 is a forced deletion: the API server removes the pod object at once,
     * before the kubelet stopped the container or wrote how it ended, so the exit code would be
     * lost. The kubelet gives every container at least 2 s between SIGTERM and SIGKILL anyway
     * (its minimumGracePeriodInSeconds), so 1 instead of 0 does not change when the signals come.
     */
    static long gracefulSeconds(Duration grace) {
        return Math.max(1, grace.toSeconds());
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
     * Deletes a run's Secret of secret values (no error when it is gone).
     *
     * @throws KubernetesClientException when the API fails
     */
    void deleteRunSecret(String attempt) {
        client.secrets().inNamespace(namespace).withName(SecretObjects.name(attempt)).delete();
    }

    /**
     * Deletes a run's Job, pods (with {@code grace}, whole seconds), Secret and NetworkPolicy; what
     * is already gone is skipped. The Job goes first, scaled to 0 and then deleted (its dependents
     * with it), and its pods are deleted with the grace period only once the controller manager let
     * go of them ({@link #awaitReleased}): a pod deleted while its Job still wants one is replaced.
     *
     * @throws KubernetesClientException when the API fails; what was deleted before stays deleted
     */
    void deleteRun(String attempt, Duration grace) {
        String name = PodSpecs.jobName(attempt);
        try {
            scaleJob(name, 0);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.debug("job {} is already gone; deleting what is left of the run", name);
        }
        client.batch().v1().jobs().inNamespace(namespace).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();
        awaitReleased(attempt);
        client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT, attempt).withGracePeriod(grace.toSeconds()).delete();
        client.secrets().inNamespace(namespace).withName(name).delete();
        client.secrets().inNamespace(namespace).withName(PullSecrets.name(attempt)).delete();
        client.secrets().inNamespace(namespace).withName(SecretObjects.name(attempt)).delete();
        client.network().v1().networkPolicies().inNamespace(namespace).withName(name).delete();
    }

    /**
     * Waits, at most {@link #RELEASE_WAIT}, until every pod of the run is gone or being deleted by
     * the controller manager: by the Job controller (parallelism 0) or the garbage collector (the
     * Job deleted). Both read the Job from the same cache, so from then on the Job controller knows
     * the Job wants no pod and deleting one (to shorten its grace period) cannot make it create a
     * replacement. A pod of an already finished Job is released by the garbage collector as well.
     */
    private void awaitReleased(String attempt) {
        long until = System.nanoTime() + RELEASE_WAIT.toNanos();
        while (client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT, attempt).list().getItems().stream()
                .anyMatch(p -> p.getMetadata().getDeletionTimestamp() == null)) {
            if (System.nanoTime() > until) {
                LOG.debug("the controller manager did not delete the pods of run {} within {} s; deleting them", attempt,
                        RELEASE_WAIT.toSeconds());
                return;
            }
            try {
                Thread.sleep(RELEASE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.debug("interrupted while waiting for the pods of run {} to be released; deleting them", attempt);
                return;
            }
        }
    }
}
