package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.BackendSession;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ReaperStrategy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Function;

/**
 * How the Kubernetes backend connects: the client and its namespace, then (after the reaper's
 * first sweep) the pod watch; a first contact that fails names the API server.
 */
final class KubeConnector implements BackendSession.Connector<KubeConnector.Connection> {

    /**
     * What lives as long as the client.
     *
     * @param pods the pod watch; null until the first sweep is done
     */
    record Connection(KubernetesClient client, String namespace, PodCache pods) {
    }

    private final RunnerConfig config;
    private final Function<RunnerConfig, KubernetesClient> clientFactory;

    KubeConnector(RunnerConfig config, Function<RunnerConfig, KubernetesClient> clientFactory) {
        this.config = config;
        this.clientFactory = clientFactory;
    }

    @Override
    public Connection connect() {
        KubernetesClient c;
        try {
            c = clientFactory.apply(config);
        } catch (KubernetesClientException e) {
            throw new ContainerEngineException("connect", "cannot configure the Kubernetes client: " + e.getMessage(), e);
        }
        String ns = config.kubernetes().namespace().orElseGet(() -> {
            String fromConfig = c.getNamespace();
            return fromConfig == null || fromConfig.isBlank() ? "default" : fromConfig;
        });
        return new Connection(c, ns, null);
    }

    @Override
    public ReaperStrategy<?> reaperStrategy(Connection c) {
        return new KubeReaperStrategy(c.client(), c.namespace());
    }

    /** Starts the pod watch. */
    @Override
    public Connection started(Connection c) {
        return new Connection(c.client(), c.namespace(), PodCache.start(c.client(), c.namespace()));
    }

    @Override
    public RuntimeException failed(Connection c, RuntimeException e) {
        KubernetesClientException api = e instanceof KubernetesClientException k ? k
                : e.getCause() instanceof KubernetesClientException k ? k : null;
        if (api == null) {
            return e;
        }
        return new ContainerEngineException("connect", "the Kubernetes API at " + c.client().getMasterUrl() + " is not usable"
                + " (namespace " + c.namespace() + "): " + PodStates.describe(api), api, PodStates.failureReason(api, false));
    }

    @Override
    public void disconnect(Connection c) {
        try {
            if (c.pods() != null) {
                c.pods().close();
            }
        } finally {
            c.client().close();
        }
    }
}
