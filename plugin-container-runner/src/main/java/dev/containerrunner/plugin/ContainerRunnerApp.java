package dev.containerrunner.plugin;

import com.google.auto.service.AutoService;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.docker.DockerJavaGateway;
import dev.containerrunner.plugin.config.Backend;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.docker.DockerBackend;
import dev.containerrunner.plugin.docker.Janitor;
import dev.containerrunner.plugin.kubernetes.KubernetesBackend;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.TaskApp;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The container_runner app: {@code apps.platform.container_runner.run_container},
 * {@code run_with_input} and {@code collect_output}.
 *
 * <p>Construction does nothing; the backend's client (Docker, or Kubernetes with
 * {@code backend: kubernetes}) is created when the first action runs and closed by {@link #close()}.
 */
@AutoService(TaskApp.class)
public final class ContainerRunnerApp implements TaskApp {

    public static final String VERSION = "0.1.0";

    private final Function<RunnerConfig, DockerGateway> gatewayFactory;
    private volatile RunnerConfig config;
    private AuditLog audit;
    private ContainerBackend backend;
    private boolean closed;

    /** The ServiceLoader constructor: Docker through docker-java. */
    public ContainerRunnerApp() {
        this(ContainerRunnerApp::dockerGateway);
    }

    /** With another gateway (tests, other backends). */
    public ContainerRunnerApp(Function<RunnerConfig, DockerGateway> gatewayFactory) {
        this.gatewayFactory = Objects.requireNonNull(gatewayFactory);
    }

    static DockerGateway dockerGateway(RunnerConfig config) {
        String host = config.dockerHost().orElseGet(() -> {
            String env = System.getenv("DOCKER_HOST");
            return env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env;
        });
        return DockerJavaGateway.connect(host);
    }

    @Override
    public String publisher() {
        return "platform";
    }

    @Override
    public String name() {
        return "container_runner";
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public synchronized void configure(Map<String, Object> configuration) {
        RunnerConfig parsed = RunnerConfig.from(configuration);
        closeResources();
        this.config = parsed;
    }

    RunnerConfig config() {
        RunnerConfig c = config;
        if (c == null) {
            c = RunnerConfig.defaults();
            config = c;
        }
        return c;
    }

    @Override
    public void registerActions(ActionRegistry registry) {
        new ContainerActions(this::config, this::backend, auditLog()).registerAll(registry);
    }

    /** The audit log (no file is opened until the first line is written). */
    synchronized AuditLog auditLog() {
        if (audit == null) {
            audit = new AuditLog(config().auditLog().map(Path::of));
        }
        return audit;
    }

    /** Where containers run; created without I/O, connects on first use. */
    synchronized ContainerBackend backend() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (backend == null) {
            RunnerConfig c = config();
            backend = c.backend() == Backend.KUBERNETES ? new KubernetesBackend(c) : new DockerBackend(c, gatewayFactory);
        }
        return backend;
    }

    private DockerBackend dockerBackend() {
        if (backend() instanceof DockerBackend docker) {
            return docker;
        }
        throw new IllegalStateException("the app is configured with backend: " + config().backend().wireName());
    }

    /** The shared Docker gateway (for tests and tools). */
    DockerGateway gateway() {
        return dockerBackend().gateway();
    }

    Janitor janitor() {
        return dockerBackend().janitor();
    }

    @Override
    public void runFinished(String runId) {
        ContainerBackend b;
        synchronized (this) {
            b = backend;
        }
        if (b != null) {
            b.runFinished(runId);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeResources();
        }
    }

    private void closeResources() {
        if (audit != null) {
            audit.close();
            audit = null;
        }
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }
}
