package dev.containerrunner.plugin;

import com.google.auto.service.AutoService;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.docker.DockerJavaGateway;
import dev.containerrunner.plugin.execution.ContainerSlots;
import dev.containerrunner.plugin.execution.Janitor;
import dev.containerrunner.plugin.s3.ObjectStore;
import dev.containerrunner.plugin.s3.S3ObjectStore;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.TaskApp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The container_runner app: {@code apps.platform.container_runner.run_container},
 * {@code run_with_input} and {@code collect_output}.
 *
 * <p>Construction does nothing; the Docker client is created when the first action runs and
 * closed by {@link #close()}.
 */
@AutoService(TaskApp.class)
public final class ContainerRunnerApp implements TaskApp {

    public static final String VERSION = "0.1.0";

    private final Function<RunnerConfig, DockerGateway> gatewayFactory;
    private volatile RunnerConfig config;
    private AuditLog audit;
    private DockerGateway gateway;
    private Janitor janitor;
    private ObjectStore objectStore;
    private ContainerSlots slots;
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
        this.config = RunnerConfig.from(configuration);
        slots = null;
        if (audit != null) {
            audit.close();
        }
        audit = null;
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
        new ContainerActions(this::config, this::gateway, this::janitor, this::objectStore, auditLog(), slots()).registerAll(registry);
    }

    /** The audit log (no file is opened until the first line is written). */
    synchronized AuditLog auditLog() {
        if (audit == null) {
            audit = new AuditLog(config().auditLog().map(Path::of));
        }
        return audit;
    }

    /** The shared gateway, created on first use. */
    synchronized DockerGateway gateway() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (gateway == null) {
            DockerGateway g = gatewayFactory.apply(config());
            Janitor j = new Janitor(g, Clock.systemUTC());
            try {
                j.start(config().janitorInterval()); // reaps what crashed processes left behind
            } catch (RuntimeException e) {
                j.close();
                g.close();
                throw e;
            }
            gateway = g;
            janitor = j;
        }
        return gateway;
    }

    /** The bound on concurrent containers, shared by every action of this app. */
    synchronized ContainerSlots slots() {
        if (slots == null) {
            slots = new ContainerSlots(config().maxConcurrentContainers());
        }
        return slots;
    }

    /** The S3 store, created on first upload. */
    synchronized ObjectStore objectStore() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (objectStore == null) {
            objectStore = S3ObjectStore.create(config().s3().orElseThrow(() ->
                    new IllegalStateException("no S3 store is configured")));
        }
        return objectStore;
    }

    synchronized Janitor janitor() {
        gateway();
        return janitor;
    }

    @Override
    public void runFinished(String runId) {
        Janitor j;
        synchronized (this) {
            j = janitor;
        }
        if (j != null) {
            j.runFinished(runId);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (audit != null) {
            audit.close();
        }
        if (objectStore != null) {
            objectStore.close();
            objectStore = null;
        }
        try {
            if (janitor != null) {
                janitor.close(); // removes what this process still keeps
            }
        } finally {
            janitor = null;
            if (gateway != null) {
                gateway.close();
                gateway = null;
            }
        }
    }
}
