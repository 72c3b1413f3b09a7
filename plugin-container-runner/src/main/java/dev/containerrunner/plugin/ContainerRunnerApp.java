package dev.containerrunner.plugin;

import com.google.auto.service.AutoService;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.docker.DockerJavaGateway;
import dev.containerrunner.plugin.config.Backend;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.Lazy;
import dev.containerrunner.plugin.execution.Reaper;
import dev.containerrunner.plugin.docker.DockerBackend;
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
    private final Lazy<AuditLog> audit = new Lazy<>(() -> new AuditLog(config().auditLog().map(Path::of)), AuditLog::close);
    private final Lazy<ContainerBackend> backend = new Lazy<>(this::newBackend, ContainerBackend::close);

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
        return DockerJavaGateway.connect(host, config.registry().credentials(), config.registry().pullTimeout());
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
        this.config = RunnerConfig.from(configuration);
        try {
            audit.reset(); // the next use makes them anew, with this configuration
        } finally {
            backend.reset();
        }
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
    AuditLog auditLog() {
        return audit.get();
    }

    /**
     * Where containers run; made without I/O, connects on first use.
     *
     * @throws IllegalStateException when the app is closed
     */
    ContainerBackend backend() {
        return backend.get();
    }

    private ContainerBackend newBackend() {
        RunnerConfig c = config();
        return c.backend() == Backend.KUBERNETES ? new KubernetesBackend(c) : new DockerBackend(c, gatewayFactory);
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

    /** The Docker backend's reaper (for tests and tools). */
    Reaper reaper() {
        return dockerBackend().reaper();
    }

    @Override
    public void runFinished(String runId) {
        backend.ifMade().ifPresent(b -> b.runFinished(runId));
    }

    /** Closes the backend (removing what this process keeps) and the audit log. Idempotent. */
    @Override
    public synchronized void close() {
        try {
            audit.reset(); // opens nothing until written again
        } finally {
            backend.close();
        }
    }
}
