package dev.containerrunner.plugin;

import com.google.auto.service.AutoService;
import dev.containerrunner.plugin.audit.AuditFile;
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
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidConfigurationException;
import dev.containerrunner.spi.TaskApp;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The container_runner app: {@code apps.platform.container_runner.run_container},
 * {@code run_with_input} and {@code collect_output}.
 *
 * <p>Construction does nothing; the backend's client (Docker, or Kubernetes with
 * {@code backend: kubernetes}) is created when the first action runs and closed by {@link #close()}.
 */
@AutoService(TaskApp.class)
public final class ContainerRunnerApp implements TaskApp {

    public static final String VERSION = "1.0.0";

    private final Function<RunnerConfig, DockerGateway> gatewayFactory;
    private final Supplier<OpenTelemetry> openTelemetry;
    private volatile RunnerTelemetry telemetry;
    private volatile RunnerConfig config;
    private final Lazy<AuditLog> audit = new Lazy<>(() -> new AuditLog(config().auditLog().map(p -> new AuditFile(Path.of(p))),
            config().auditStartLines(), VERSION), AuditLog::close);
    private final Lazy<ContainerBackend> backend = new Lazy<>(this::newBackend, ContainerBackend::close);

    /** The ServiceLoader constructor: Docker through docker-java. */
    public ContainerRunnerApp() {
        this(ContainerRunnerApp::dockerGateway);
    }

    /**
     * With another gateway (tests, other backends); telemetry through the engine's global
     * OpenTelemetry ({@link GlobalOpenTelemetry#getOrNoop()}: the no-op when none is set, and the
     * global is never set or autoconfigured by the plugin).
     */
    public ContainerRunnerApp(Function<RunnerConfig, DockerGateway> gatewayFactory) {
        this(gatewayFactory, GlobalOpenTelemetry::getOrNoop);
    }

    /**
     * With another gateway and the OpenTelemetry to record to (tests; an engine that does not set
     * the global one). {@code openTelemetry} is asked once, when the app first needs it.
     */
    public ContainerRunnerApp(Function<RunnerConfig, DockerGateway> gatewayFactory, Supplier<OpenTelemetry> openTelemetry) {
        this.gatewayFactory = Objects.requireNonNull(gatewayFactory);
        this.openTelemetry = Objects.requireNonNull(openTelemetry);
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

    /**
     * Reads the configuration and checks the audit destination: {@code audit_log} (its missing
     * directories and the file are created here) must be a regular file that can be opened for
     * appending on a file system with room ({@link AuditFile#check()}).
     *
     * @throws InvalidConfigurationException naming the key at fault, {@code audit_log} included
     */
    @Override
    public synchronized void configure(Map<String, Object> configuration) {
        RunnerConfig c = RunnerConfig.from(configuration);
        c.auditLog().ifPresent(this::checkAuditDestination);
        this.config = c;
        try {
            audit.reset(); // the next use makes them anew, with this configuration
        } finally {
            backend.reset();
        }
    }

    private void checkAuditDestination(String file) {
        try {
            new AuditFile(Path.of(file)).check();
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException(name(), "audit_log", "('" + file + "') is not a valid path: " + e.getReason());
        } catch (IOException e) {
            throw new InvalidConfigurationException(name(), "audit_log", "('" + file + "') cannot be used: it " + e.getMessage()
                    + "; the audit log must be a writable regular file (or a path where one can be created)");
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
        new ContainerActions(this::config, this::backend, this::auditLog, this::telemetry).registerAll(registry);
    }

    /**
     * Audits a run action's task the engine could not start (a reference that does not resolve or
     * resolves to the wrong type): one line, phase {@code run}, outcome {@code invalid}, the reason.
     * collect_output is not an execution attempt and is not audited.
     *
     * @throws dev.containerrunner.plugin.audit.AuditLogException when the line cannot be written
     */
    @Override
    public void taskNotStarted(ActionContext context, String action, String reason) {
        if (ContainerActions.RUN_CONTAINER.equals(action) || ContainerActions.RUN_WITH_INPUT.equals(action)) {
            new RunAttempts(this::config, this::backend, this::auditLog).notStarted(action, context, reason);
        }
    }

    /** The audit log (its file was checked by {@link #configure}; each line opens it anew). */
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
        return c.backend() == Backend.KUBERNETES ? new KubernetesBackend(c, telemetry())
                : new DockerBackend(c, gatewayFactory, telemetry());
    }

    /**
     * The app's metrics and traces, made once from the engine's OpenTelemetry (asked at first use, so
     * an engine that installs its SDK after loading the plugin but before running is still heard).
     */
    RunnerTelemetry telemetry() {
        RunnerTelemetry t = telemetry;
        if (t == null) {
            synchronized (this) {
                if (telemetry == null) {
                    telemetry = new RunnerTelemetry(openTelemetry.get(), VERSION);
                }
                t = telemetry;
            }
        }
        return t;
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
