package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.BackendSession;
import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerSlots;
import dev.containerrunner.plugin.execution.OutputCollector;
import dev.containerrunner.plugin.execution.Reaper;
import dev.containerrunner.plugin.execution.ReaperStrategy;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import java.util.function.Function;

/**
 * The Docker backend: one {@link DockerGateway} (client and connection pool) shared by every task,
 * made on first use together with the {@link Reaper} that sweeps then and periodically, the bound
 * on concurrent containers and, when uploads are asked for, the S3 store (a {@link BackendSession}).
 * Construction does no I/O.
 *
 * @apiNote Thread-safe.
 */
public final class DockerBackend implements ContainerBackend {

    private final RunnerConfig config;
    private final BackendSession<DockerGateway> session;

    /** @param gatewayFactory makes the gateway at first use (docker-java, or a fake in tests) */
    public DockerBackend(RunnerConfig config, Function<RunnerConfig, DockerGateway> gatewayFactory) {
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
        });
    }

    @Override
    public RunResult run(RunRequest request, ActionContext ctx) {
        try (ContainerSlots.Slot slot = session.acquireSlot(ctx)) {
            return new ContainerRunner(gateway().forTask(ctx.log(), ctx.cancellation()), config, reaper()::removeLater)
                    .run(request, ctx);
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
