package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.BackendSession;
import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ContainerSlots;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.OutputCollector;
import dev.containerrunner.plugin.execution.Reaper;
import dev.containerrunner.plugin.execution.ReaperStrategy;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker backend: one {@link DockerGateway} (client and connection pool) shared by every task,
 * made on first use together with the {@link Reaper} that sweeps then and periodically, the bound
 * on concurrent containers and, when uploads are asked for, the S3 store (a {@link BackendSession}).
 * Construction does no I/O.
 *
 * @apiNote Thread-safe.
 */
public final class DockerBackend implements ContainerBackend {

    private static final Logger LOG = LoggerFactory.getLogger(DockerBackend.class);
    private static final String TMP = ContainerHardening.TMP;

    private final RunnerConfig config;
    private final BackendSession<DockerGateway> session;
    private volatile Integer engineCpus;

    /** @param gatewayFactory makes the gateway at first use (docker-java, or a fake in tests) */
    public DockerBackend(RunnerConfig config, Function<RunnerConfig, DockerGateway> gatewayFactory) {
        this(config, gatewayFactory, RunnerTelemetry.noop());
    }

    /**
     * @param gatewayFactory makes the gateway at first use (docker-java, or a fake in tests)
     * @param telemetry      hears of slot waits, active runs and the reaper's removals
     */
    public DockerBackend(RunnerConfig config, Function<RunnerConfig, DockerGateway> gatewayFactory, RunnerTelemetry telemetry) {
        this.config = config;
        this.session = new BackendSession<>(config, new BackendSession.Connector<>() {
            @Override
            public DockerGateway connect() {
                return gatewayFactory.apply(config);
            }

            @Override
            public ReaperStrategy<?> reaperStrategy(DockerGateway gateway) {
                return new DockerReaperStrategy(gateway);
            }

            @Override
            public void disconnect(DockerGateway gateway) {
                gateway.close();
            }
        }, telemetry);
    }

    /**
     * What only the Docker engine limits: a {@code cpu_limit} above the engine's CPU count (the engine
     * refuses it at every start), and, under {@code read_only_root_filesystem}, a {@code working_dir}
     * inside the {@code /tmp} tmpfs, which is empty at start (runc would make it root's, gVisor
     * refuses to start). The CPU count is asked once, at the first check; when the engine cannot be
     * reached then, the CPU check waits for the next one (the run itself then fails saying so).
     *
     * A {@code profile} is refused: profiles are Kubernetes pod settings, with no Docker equivalent.
     *
     * @throws InvalidKwargsException naming {@code profile}, {@code cpu_limit} or {@code working_dir}
     */
    @Override
    public void check(RunRequest request) {
        request.profile().ifPresent(p -> {
            throw new InvalidKwargsException(request.action(), "profile", "('" + p + "') is not supported with backend: docker:"
                    + " pod profiles (node placement, tolerations, priority, requests, ephemeral storage, RuntimeClass) apply"
                    + " to backend: kubernetes only; leave profile out on Docker (its OCI runtime is the runtime key)");
        });
        request.workingDir().map(ContainerPath::value).filter(w -> config.readOnlyRootFilesystem() && w.startsWith(TMP + "/")
                && request.runDirectories().stream().noneMatch(d -> w.equals(d) || w.startsWith(d + "/"))).ifPresent(w -> {
                    throw new InvalidKwargsException(request.action(), "working_dir", "(" + w + ") is inside " + TMP + ", which"
                            + " read_only_root_filesystem makes an empty tmpfs at start, so the directory would not exist; use "
                            + TMP + " itself, a directory outside it, or list it in writable_dirs");
                });
        if (!request.secrets().isEmpty()) {
            List<String> chosen = new java.util.ArrayList<>(request.runDirectories());
            request.workingDir().map(ContainerPath::value).ifPresent(chosen::add);
            chosen.stream().filter(p -> p.equals(SecretShim.DIRECTORY) || p.startsWith(SecretShim.DIRECTORY + "/")).findFirst()
                    .ifPresent(p -> {
                        throw new InvalidKwargsException(request.action(), "secrets", "need " + SecretShim.DIRECTORY + ", where"
                                + " the runner's secrets shim is mounted on Docker, but the request uses " + p + ": choose"
                                + " another path");
                    });
        }
        Integer cpus = engineCpus();
        if (cpus != null && request.cpu() > cpus) {
            throw new InvalidKwargsException(request.action(), "cpu_limit", "(" + request.cpu() + ") is above the " + cpus
                    + " CPUs of the Docker engine, which refuses a limit above its CPU count; ask for at most " + cpus
                    + " (and keep default_cpu/max_cpu within it)");
        }
    }

    /** The engine's CPU count, asked once; null while the engine cannot be reached. */
    private Integer engineCpus() {
        Integer known = engineCpus;
        if (known == null) {
            synchronized (this) {
                if (engineCpus == null) {
                    try {
                        engineCpus = gateway().engineCpus();
                    } catch (ContainerEngineException e) {
                        LOG.info("cannot check cpu_limit against the engine's CPU count now: {}", e.getMessage());
                    }
                }
                known = engineCpus;
            }
        }
        return known;
    }

    @Override
    public RunResult run(RunRequest request, RunSecrets secrets, ActionContext ctx) {
        try (ContainerSlots.Slot slot = session.acquireSlot(ctx)) {
            return new ContainerRunner(gateway().forTask(ctx.log(), ctx.cancellation()), config, reaper(),
                    new InputSource(session.objectSource()))
                    .run(request, secrets, ctx);
        }
    }

    @Override
    public CollectResult collect(String action, CollectRequest request, ActionContext ctx) {
        return new OutputCollector(DockerCollectSource.of(this::gateway, config, reaper()), config, session.objectStore())
                .collect(action, request, ctx);
    }

    /**
     * The shared gateway, made (and the reaper started) on first use.
     *
     * @throws IllegalStateException    when the backend is closed
     * @throws dev.containerrunner.plugin.execution.ContainerEngineException when the engine cannot be reached
     */
    public DockerGateway gateway() {
        return session.connection();
    }

    /**
     * The reaper of this backend, started on first use.
     *
     * @throws IllegalStateException when the backend is closed
     */
    public Reaper reaper() {
        return session.reaper();
    }

    @Override
    public void runFinished(String runId) {
        session.runFinished(runId);
    }

    @Override
    public void close() {
        session.close();
    }
}
