package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's pods in the namespace, kept current by one watch (a fabric8 informer) instead of a
 * LIST per run every poll: with many tasks in flight the API server sees one connection, and runs
 * read their pod's state from memory. While the watch is down (reconnecting), lookups fall back to
 * a LIST of that one run's pod.
 */
final class PodCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodCache.class);
    private static final String BY_ATTEMPT = "attempt";
    private static final Duration SYNC = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String namespace;
    private final SharedIndexInformer<Pod> informer;

    private PodCache(KubernetesClient client, String namespace, SharedIndexInformer<Pod> informer) {
        this.client = client;
        this.namespace = namespace;
        this.informer = informer;
    }

    /** Starts the watch and waits for its first listing. */
    static PodCache start(KubernetesClient client, String namespace) {
        SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT)
                .runnableInformer(0);
        informer.addIndexers(Map.of(BY_ATTEMPT, p -> List.of(p.getMetadata().getLabels().getOrDefault(KubeLabels.POD_ATTEMPT, ""))));
        try {
            informer.start().toCompletableFuture().get(SYNC.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            informer.stop();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof KubernetesClientException k ? k : new KubernetesClientException("watching pods failed: " + cause, cause);
        } catch (InterruptedException e) {
            informer.stop();
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while starting the pod watch", e);
        }
        return new PodCache(client, namespace, informer);
    }

    /** Whether lookups are served from the watch (no API request). */
    boolean watching() {
        return informer.isWatching();
    }

    /** The pod of a run, if it exists. */
    Optional<Pod> pod(String attempt) {
        if (informer.isWatching()) {
            return informer.getIndexer().byIndex(BY_ATTEMPT, attempt).stream().findFirst();
        }
        LOG.debug("pod watch not connected; listing the pod of {}", attempt);
        return client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT, attempt).list().getItems().stream().findFirst();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
