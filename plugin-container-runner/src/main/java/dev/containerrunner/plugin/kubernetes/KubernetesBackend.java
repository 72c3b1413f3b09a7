package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.KubernetesConfig;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.BackendSession;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ContainerSlots;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.OutputCollector;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.InvalidKwargsException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Kubernetes backend ({@code backend: kubernetes}): each run is a {@code batch/v1} Job in the
 * configured namespace (see {@link PodSpecs} for the pod's hardening and {@link PodRun} for the
 * run itself). One fabric8 client is shared by all tasks; it is made, and the reaper's first sweep
 * done, when the first action runs ({@link KubeConnector}). Construction does no I/O.
 *
 * @apiNote Thread-safe.
 */
public final class KubernetesBackend implements ContainerBackend {

    private static final int REQUEST_RETRIES = 3;
    private static final int RETRY_INTERVAL_MS = 200;

    private final RunnerConfig config;
    private final BackendSession<KubeConnector.Connection> session;

    /** Connects with {@code kubernetes.kubeconfig}, else $KUBECONFIG / ~/.kube/config / the in-cluster account. */
    public KubernetesBackend(RunnerConfig config) {
        this(config, KubernetesBackend::connect);
    }

    /** As {@link #KubernetesBackend(RunnerConfig)}, recording to {@code telemetry}. */
    public KubernetesBackend(RunnerConfig config, RunnerTelemetry telemetry) {
        this(config, KubernetesBackend::connect, telemetry);
    }

    /** @param clientFactory makes the client at first use */
    public KubernetesBackend(RunnerConfig config, Function<RunnerConfig, KubernetesClient> clientFactory) {
        this(config, clientFactory, RunnerTelemetry.noop());
    }

    /** @param clientFactory makes the client at first use; {@code telemetry} hears of slots and the reaper */
    public KubernetesBackend(RunnerConfig config, Function<RunnerConfig, KubernetesClient> clientFactory,
                             RunnerTelemetry telemetry) {
        this.config = config;
        this.session = new BackendSession<>(config, new KubeConnector(config, clientFactory), telemetry);
    }

    /** A client from {@code kubernetes.kubeconfig}, else $KUBECONFIG / ~/.kube/config / the in-cluster account. */
    static KubernetesClient connect(RunnerConfig config) {
        KubernetesConfig k = config.kubernetes();
        Config c;
        if (k.kubeconfig().isPresent()) {
            File file = new File(k.kubeconfig().get());
            if (!file.isFile()) {
                throw new ContainerEngineException("connect", "kubernetes.kubeconfig " + file + " does not exist", null);
            }
            c = Config.fromKubeconfig(k.context().orElse(null), file);
        } else {
            c = Config.autoConfigure(k.context().orElse(null));
        }
        // a few quick retries ride out an API server hiccup; an unreachable cluster fails within seconds (~3 s measured)
        c.setRequestRetryBackoffLimit(REQUEST_RETRIES);
        c.setRequestRetryBackoffInterval(RETRY_INTERVAL_MS);
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    /**
     * A pod has no field for {@code ulimits} (the node's container runtime sets them for every pod),
     * so they are refused. input_file has no size limit of its own: above
     * {@value InputStreams#SECRET_MAX_BYTES} bytes it is streamed into the pod ({@link InputStreams}),
     * as are the objects of {@code inputs} ({@link PodInputs}).
     */
    @Override
    public void check(RunRequest request) {
        if (!request.ulimits().isEmpty()) {
            throw new InvalidKwargsException(request.action(), "ulimits", "are not supported with backend: kubernetes: a pod"
                    + " has no field for them (the node's container runtime sets the same limits for every pod); leave"
                    + " ulimits out, or run this task on backend: docker");
        }
    }

    @Override
    public RunResult run(RunRequest request, RunSecrets secrets, ActionContext ctx) {
        return withOwnClassLoader(() -> {
            try (ContainerSlots.Slot slot = session.acquireSlot(ctx)) {
                // inputs resolved before anything exists on the cluster: a missing object creates nothing
                PodInputs inputs = PodInputs.resolve(request, new InputSource(session.objectSource()));
                KubeConnector.Connection c = session.connection();
                return new PodRun(c.client(), c.namespace(), config, session.reaper(), c.pods())
                        .run(request, secrets, ctx, inputs.streamed(request)).withInputs(inputs.delivered());
            }
        });
    }

    @Override
    public CollectResult collect(String action, CollectRequest request, ActionContext ctx) {
        return withOwnClassLoader(() -> {
            KubeConnector.Connection c = session.connection();
            return new OutputCollector(KubeCollectSource.of(c.client(), c.namespace(), config, session.reaper()), config,
                    session.objectStore()).collect(action, request, ctx);
        });
    }

    /**
     * Runs {@code work} with this plugin's class loader as the thread's context loader. fabric8
     * finds its model classes with {@link java.util.ServiceLoader} through the context loader; in
     * an engine that has its own copy of fabric8 (or none), the engine's loader would find the wrong
     * copy ("not a subtype") or nothing. Threads started inside (reaper, log readers, the HTTP
     * client's) inherit it.
     */
    private static <T> T withOwnClassLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KubernetesBackend.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void runFinished(String runId) {
        withOwnClassLoader(() -> {
            session.runFinished(runId);
            return null;
        });
    }

    @Override
    public void close() {
        withOwnClassLoader(() -> {
            session.close();
            return null;
        });
    }
}
