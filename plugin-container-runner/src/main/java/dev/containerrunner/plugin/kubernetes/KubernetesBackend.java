package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.KubernetesConfig;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerSlots;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.OutputCollector;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.s3.LazyObjectStore;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.InvalidKwargsException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * The Kubernetes backend ({@code backend: kubernetes}): each run is a {@code batch/v1} Job in the
 * configured namespace (see {@link PodSpecs} for the pod's hardening and {@link PodRun} for the
 * run itself). One fabric8 client is shared by all tasks; it is created, and the janitor's first
 * sweep made, when the first action runs. Construction does no I/O.
 */
public final class KubernetesBackend implements ContainerBackend {

    private static final int REQUEST_RETRIES = 3;
    private static final int RETRY_INTERVAL_MS = 200;

    private final RunnerConfig config;
    private final Function<RunnerConfig, KubernetesClient> clientFactory;
    private final ContainerSlots slots;
    private final LazyObjectStore objectStore;
    private KubernetesClient client;
    private String namespace;
    private KubeJanitor janitor;
    private PodCache pods;
    private boolean closed;

    public KubernetesBackend(RunnerConfig config) {
        this(config, KubernetesBackend::connect);
    }

    public KubernetesBackend(RunnerConfig config, Function<RunnerConfig, KubernetesClient> clientFactory) {
        this.config = config;
        this.clientFactory = clientFactory;
        this.slots = new ContainerSlots(config.maxConcurrentContainers());
        this.objectStore = new LazyObjectStore(config.s3());
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

    /** The input_file travels in a Secret, which holds at most {@value PodSpecs#MAX_INPUT_FILE_BYTES} bytes. */
    @Override
    public void check(RunRequest request) {
        if (request.inputFile().isPresent() && request.inputFile().get().content().length > PodSpecs.MAX_INPUT_FILE_BYTES) {
            throw new InvalidKwargsException(request.action(), "input_file.content",
                    "is " + request.inputFile().get().content().length + " bytes; the Kubernetes backend passes input_file"
                            + " through a Secret, which holds at most " + PodSpecs.MAX_INPUT_FILE_BYTES + " bytes");
        }
    }

    @Override
    public RunResult run(RunRequest request, ActionContext ctx) {
        return withOwnClassLoader(() -> {
            try (ContainerSlots.Slot slot = slots.acquire(ctx)) {
                KubeJanitor j = janitor();
                return new PodRun(client(), namespace(), config, j::removeLater, podCache()).run(request, ctx);
            }
        });
    }

    @Override
    public CollectResult collect(String action, CollectRequest request, ActionContext ctx) {
        return withOwnClassLoader(() -> {
            KubeJanitor j = janitor();
            return new OutputCollector(source(j), config, objectStore).collect(action, request, ctx);
        });
    }

    /**
     * Runs {@code work} with this plugin's class loader as the thread's context loader. fabric8
     * finds its model classes with {@link java.util.ServiceLoader} through the context loader; in
     * an engine that has its own copy of fabric8 (or none), the engine's loader would find the wrong
     * copy ("not a subtype") or nothing. Threads started inside (janitor, log readers, the HTTP
     * client's) inherit it.
     */
    private static <T> T withOwnClassLoader(java.util.function.Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KubernetesBackend.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** collect_output's view of a kept run: the Job's labels, its pod's keeper container for files. */
    private CollectSource source(KubeJanitor j) {
        KubernetesClient c = client();
        String ns = namespace();
        return (action, containerId) -> {
            String name = PodSpecs.jobName(containerId);
            Job job;
            try {
                job = c.batch().v1().jobs().inNamespace(ns).withName(name).get();
            } catch (KubernetesClientException e) {
                throw new ActionFailedException(action, PodStates.describe(e), e);
            }
            if (job == null) {
                throw new ActionFailedException(action, "container " + containerId + " (job " + name + " in namespace " + ns
                        + ") does not exist (it may have been deleted after its retention window of "
                        + config.collectRetention().toSeconds() + " s, or the run kept no directories)");
            }
            Map<String, String> labels = KubeJanitor.labelsOf(job);
            RunDirs dirs = RunDirs.fromAnnotation(labels.get(KubeLabels.COLLECTABLE_DIRS));
            Pod pod = c.pods().inNamespace(ns).withLabel(KubeLabels.POD_ATTEMPT, containerId).list().getItems().stream()
                    .findFirst().orElse(null);
            boolean managed = Labels.APP.equals(labels.get(Labels.MANAGED_BY));
            if (managed && (pod == null || !dirs.collectable())) {
                throw new ActionFailedException(action, "container " + containerId + " has nothing to collect: on Kubernetes"
                        + " collect_output reads the run's output_file directory and writable_dirs, which live in its pod"
                        + (dirs.collectable() ? " (the pod is gone)" : " (this run had no writable_dirs)"));
            }
            return new CollectSource.Target() {
                @Override
                public Map<String, String> labels() {
                    return labels;
                }

                @Override
                public boolean running() {
                    var main = PodStates.main(pod);
                    return main == null || main.getState().getTerminated() == null;
                }

                @Override
                public InputStream archive(String path) throws IOException {
                    try {
                        return new PodFiles(c, ns).archive(pod.getMetadata().getName(), dirs, path);
                    } catch (KubernetesClientException e) {
                        throw new IOException(PodStates.describe(e), e);
                    }
                }

                @Override
                public void release() {
                    j.delete(containerId);
                }
            };
        };
    }

    synchronized KubernetesClient client() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (client == null) {
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
            KubeJanitor j = new KubeJanitor(c, ns, Clock.systemUTC());
            PodCache cache = null;
            try {
                j.start(config.janitorInterval()); // first contact: reaps what crashed processes left behind
                cache = PodCache.start(c, ns);
            } catch (KubernetesClientException e) {
                j.close();
                if (cache != null) {
                    cache.close();
                }
                c.close();
                throw new ContainerEngineException("connect", "the Kubernetes API at " + c.getMasterUrl() + " is not usable"
                        + " (namespace " + ns + "): " + PodStates.describe(e), e);
            }
            client = c;
            namespace = ns;
            janitor = j;
            pods = cache;
        }
        return client;
    }

    synchronized String namespace() {
        client();
        return namespace;
    }

    synchronized PodCache podCache() {
        client();
        return pods;
    }

    synchronized KubeJanitor janitor() {
        client();
        return janitor;
    }

    @Override
    public void runFinished(String runId) {
        KubeJanitor j;
        synchronized (this) {
            j = janitor;
        }
        if (j != null) {
            withOwnClassLoader(() -> {
                j.runFinished(runId);
                return null;
            });
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        objectStore.close();
        try {
            if (janitor != null) {
                KubeJanitor j = janitor;
                withOwnClassLoader(() -> {
                    j.close();
                    return null;
                });
            }
        } finally {
            janitor = null;
            if (pods != null) {
                pods.close();
                pods = null;
            }
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }
}
