package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
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
 * a LIST of that one run's pod. The watch's events also go to the runs that follow their pod
 * ({@link #follow}): a pod's final state comes only with its DELETED event, after it left the cache.
 */
final class PodCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodCache.class);
    private static final String BY_ATTEMPT = "attempt";
    private static final Duration SYNC = Duration.ofSeconds(30);
    /** Reading the watched cache is free; a LIST (while the watch reconnects) is not. */
    private static final Duration POLL_CACHE = Duration.ofMillis(50);
    private static final Duration POLL_LIST = Duration.ofMillis(250);

    private final KubernetesClient client;
    private final String namespace;
    private final SharedIndexInformer<Pod> informer;
    private final MainStatusTrails trails;

    private PodCache(KubernetesClient client, String namespace, SharedIndexInformer<Pod> informer, MainStatusTrails trails) {
        this.client = client;
        this.namespace = namespace;
        this.informer = informer;
        this.trails = trails;
    }

    /** Starts the watch and waits for its first listing. */
    static PodCache start(KubernetesClient client, String namespace) {
        SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT)
                .runnableInformer(0);
        informer.addIndexers(Map.of(BY_ATTEMPT, p -> List.of(p.getMetadata().getLabels().getOrDefault(KubeLabels.POD_ATTEMPT, ""))));
        MainStatusTrails trails = new MainStatusTrails();
        informer.addEventHandler(trails);
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
        return new PodCache(client, namespace, informer, trails);
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

    /**
     * Starts recording every state of run {@code attempt}'s pod the watch sees, its final one
     * included; pair with {@link #unfollow}. The run's own reads are not recorded: feed them to the
     * trail ({@link MainStatusTrail#seen}).
     */
    MainStatusTrail follow(String attempt) {
        return trails.follow(attempt);
    }

    /** Stops recording run {@code attempt}'s pod; idempotent. */
    void unfollow(String attempt) {
        trails.unfollow(attempt);
    }

    /**
     * Waits before the next read: 50 ms while lookups are served from the watch, 250 ms while they are LISTs.
     *
     * @throws ContainerEngineException when the thread is interrupted (its interrupt flag set again)
     */
    void pause() {
        try {
            Thread.sleep((watching() ? POLL_CACHE : POLL_LIST).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerEngineException("run", "interrupted", e);
        }
    }

    @Override
    public void close() {
        informer.stop();
    }
}
