package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.s3.ObjectSource;
import dev.containerrunner.plugin.s3.ObjectStore;
import dev.containerrunner.plugin.s3.S3ObjectStore;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.spi.ActionContext;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What a backend keeps for its life, the same on every backend: the client, made on first use
 * together with its {@link Reaper} (whose first sweep reaps what crashed processes left behind),
 * the bound on concurrent containers, and the S3 store. {@link #close()} stops the reaper (which
 * removes what this process still keeps), then closes the client. Construction does no I/O.
 *
 * @param <C> the backend's connection (its client and what lives as long as it)
 * @apiNote Thread-safe.
 */
public final class BackendSession<C> implements AutoCloseable {

    /** How one backend connects: the only backend-specific part of the session. */
    public interface Connector<C> {

        /** Makes the client; no request is sent yet. */
        C connect();

        /** The reaper's view of the backend through {@code connection}. */
        ReaperStrategy<?> reaperStrategy(C connection);

        /** After the first sweep: starts what lives as long as the client; the connection to use from now on. */
        default C started(C connection) {
            return connection;
        }

        /** What to throw when the first contact failed with {@code e} (the default: {@code e}). */
        default RuntimeException failed(C connection, RuntimeException e) {
            return e;
        }

        /** Closes the client and whatever {@link #started} started; idempotent. */
        void disconnect(C connection);
    }

    private record Connection<C>(C client, Reaper reaper) {
    }

    private final Lazy<Connection<C>> connection;
    private final ContainerSlots slots;
    private final Lazy<S3ObjectStore> objectStore;
    private final RunnerTelemetry telemetry;
    private final String backend;

    /** A session without telemetry. */
    public BackendSession(RunnerConfig config, Connector<C> connector) {
        this(config, connector, RunnerTelemetry.noop());
    }

    /** A session whose slot waits, active runs and reaper removals go to {@code telemetry}. */
    public BackendSession(RunnerConfig config, Connector<C> connector, RunnerTelemetry telemetry) {
        this.telemetry = telemetry;
        this.backend = config.backend().wireName();
        this.connection = new Lazy<>(() -> open(connector, config.janitorInterval(), telemetry, backend), c -> shut(connector, c));
        this.slots = new ContainerSlots(config.maxConcurrentContainers());
        this.objectStore = new Lazy<>(() -> S3ObjectStore.create(config.s3()
                .orElseThrow(() -> new IllegalStateException("no S3 store is configured"))), S3ObjectStore::close);
    }

    /**
     * The connection (client and what lives as long as it), connecting and sweeping once on first use.
     *
     * @throws IllegalStateException    when closed
     * @throws ContainerEngineException (or what {@link Connector#failed} says) when the first contact fails
     */
    public C connection() {
        return connection.get().client();
    }

    /**
     * The reaper of this backend, connecting on first use.
     *
     * @throws IllegalStateException when closed
     */
    public Reaper reaper() {
        return connection.get().reaper();
    }

    /**
     * A slot of {@code max_concurrent_containers}, waited for; see {@link ContainerSlots#acquire}.
     * The wait is measured, and the run counts as active until the slot is closed.
     */
    public ContainerSlots.Slot acquireSlot(ActionContext ctx) {
        long start = System.nanoTime();
        ContainerSlots.Slot slot = slots.acquire(ctx);
        telemetry.slotWaited(System.nanoTime() - start, backend);
        telemetry.activeChanged(1, backend);
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                try {
                    slot.close();
                } finally {
                    telemetry.activeChanged(-1, backend);
                }
            }
        };
    }

    /** The S3 store, made on the first upload. */
    public Supplier<ObjectStore> objectStore() {
        return objectStore::get;
    }

    /** Where {@code inputs} are read from: the same S3 store, made on first use. */
    public Supplier<ObjectSource> objectSource() {
        return objectStore::get;
    }

    /** Removes the kept runs of the finished workflow run {@code runId}; nothing when never connected. */
    public void runFinished(String runId) {
        connection.ifMade().ifPresent(c -> c.reaper().runFinished(runId));
    }

    /** Closes the S3 store, stops the reaper (removing what this process keeps), closes the client. Idempotent. */
    @Override
    public void close() {
        try {
            objectStore.close();
        } finally {
            connection.close();
        }
    }

    private static <C> Connection<C> open(Connector<C> connector, Duration interval, RunnerTelemetry telemetry,
                                          String backend) {
        C client = connector.connect();
        Reaper reaper;
        try {
            reaper = new Reaper(connector.reaperStrategy(client), Clock.systemUTC(), n -> telemetry.reaperRemoved(n, backend));
            reaper.start(interval); // first contact: reaps what crashed processes left behind
        } catch (RuntimeException e) {
            throw abandon(connector, client, null, e);
        }
        try {
            return new Connection<>(connector.started(client), reaper);
        } catch (RuntimeException e) {
            throw abandon(connector, client, reaper, e);
        }
    }

    private static <C> RuntimeException abandon(Connector<C> connector, C client, Reaper reaper, RuntimeException e) {
        RuntimeException reported = connector.failed(client, e);
        try {
            if (reaper != null) {
                reaper.close();
            }
        } catch (RuntimeException closing) {
            reported.addSuppressed(closing);
        }
        try {
            connector.disconnect(client);
        } catch (RuntimeException closing) {
            reported.addSuppressed(closing);
        }
        return reported;
    }

    private static <C> void shut(Connector<C> connector, Connection<C> c) {
        try {
            c.reaper().close();
        } finally {
            connector.disconnect(c.client());
        }
    }
}
