package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerSlots;
import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.OutputCollector;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.s3.LazyObjectStore;
import dev.containerrunner.spi.ActionContext;
import java.time.Clock;
import java.util.function.Function;

/**
 * The Docker backend: one {@link DockerGateway} (client and connection pool) shared by every task,
 * the {@link Janitor} that sweeps at first contact and then periodically, the bound on concurrent
 * containers and, when uploads are asked for, the S3 store. Construction does no I/O.
 */
public final class DockerBackend implements ContainerBackend {

    private final RunnerConfig config;
    private final Function<RunnerConfig, DockerGateway> gatewayFactory;
    private final ContainerSlots slots;
    private DockerGateway gateway;
    private Janitor janitor;
    private final LazyObjectStore objectStore;
    private boolean closed;

    public DockerBackend(RunnerConfig config, Function<RunnerConfig, DockerGateway> gatewayFactory) {
        this.config = config;
        this.gatewayFactory = gatewayFactory;
        this.slots = new ContainerSlots(config.maxConcurrentContainers());
        this.objectStore = new LazyObjectStore(config.s3());
    }

    @Override
    public RunResult run(RunRequest request, ActionContext ctx) {
        try (ContainerSlots.Slot slot = slots.acquire(ctx)) {
            return new ContainerRunner(gateway(), config, janitor()::removeLater).run(request, ctx);
        }
    }

    @Override
    public CollectResult collect(String action, CollectRequest request, ActionContext ctx) {
        Janitor j = janitor();
        return new OutputCollector(DockerCollectSource.of(this::gateway, config, j), config, objectStore)
                .collect(action, request, ctx);
    }

    /** The shared gateway, created (and the janitor started) on first use. */
    public synchronized DockerGateway gateway() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (gateway == null) {
            DockerGateway g = gatewayFactory.apply(config);
            Janitor j = new Janitor(g, Clock.systemUTC());
            try {
                j.start(config.janitorInterval()); // reaps what crashed processes left behind
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

    public synchronized Janitor janitor() {
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
        objectStore.close();
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
