package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.ContainerState;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.spi.LogSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches a started container to its end: its own exit, or, at the timeout or on cancellation,
 * SIGTERM, the grace, SIGKILL; then reads its settled final state (an OOM kill that the engine
 * records just after the exit included).
 *
 * @apiNote Thread-safe (it keeps no state of its own); each run calls it from its own thread.
 */
final class ContainerWatch {

    private static final Duration AFTER_KILL = Duration.ofSeconds(15);
    private static final int OOM_SETTLE_TRIES = 10;
    private static final Duration OOM_SETTLE_STEP = Duration.ofMillis(100);

    private final DockerGateway gateway;
    private final Duration stopGrace;

    /** How the wait ended: the exit code (null when none was seen), and whether we stopped it and why. */
    record Ending(Long exitCode, boolean timedOut, boolean cancelled) {
    }

    /** Watches through {@code gateway}; a stop sends SIGKILL {@code stopGrace} after SIGTERM. */
    ContainerWatch(DockerGateway gateway, Duration stopGrace) {
        this.gateway = gateway;
        this.stopGrace = stopGrace;
    }

    /**
     * Waits up to {@code timeout} for {@code containerId} to exit or for {@code cancelled} to
     * complete; in the latter two cases stops the container (SIGTERM, SIGKILL after the grace) and
     * says so in {@code log}. An interruption counts as a cancellation.
     *
     * @throws ContainerEngineException when the wait failed (e.g. the engine was lost) or a stop failed
     */
    Ending awaitEnd(String containerId, Duration timeout, CompletableFuture<Void> cancelled, LogSink log) {
        CompletableFuture<Long> exit = gateway.awaitExit(containerId);
        try {
            CompletableFuture.anyOf(exit, cancelled).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // decided below from the futures themselves: still running, or the wait failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled.complete(null);
        }
        if (exit.isCompletedExceptionally()) {
            throw failureOf(exit);
        }
        if (exit.isDone()) {
            return new Ending(exit.join(), false, false);
        }
        boolean byCancel = cancelled.isDone();
        log.line(LogSink.Stream.SYSTEM, (byCancel ? "task cancelled" : "timeout after " + timeout.toSeconds() + " s")
                + ": sending SIGTERM, SIGKILL after " + stopGrace.toSeconds() + " s");
        gateway.stop(containerId, stopGrace);
        Long code = waitQuietly(exit, stopGrace.plus(AFTER_KILL));
        if (code == null) {
            gateway.kill(containerId);
            code = waitQuietly(exit, AFTER_KILL);
        }
        exit.cancel(false);
        return new Ending(code, !byCancel, byCancel);
    }

    /**
     * The container's final state. The engine records an OOM kill from an event that can arrive
     * just after the exit (seen here with cgroup v1: exit 137 and {@code OOMKilled=false} at first),
     * so a SIGKILL we did not send is re-inspected briefly before it is reported as not an OOM.
     *
     * @throws NoSuchContainerException when the container is gone
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    ContainerState settledState(String containerId, Ending ending) {
        ContainerState state = gateway.inspect(containerId);
        for (int i = 0; i < OOM_SETTLE_TRIES && !state.oomKilled() && !ending.timedOut() && !ending.cancelled()
                && Long.valueOf(137).equals(state.exitCode()); i++) {
            try {
                Thread.sleep(OOM_SETTLE_STEP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            state = gateway.inspect(containerId);
        }
        return state;
    }

    private static Long waitQuietly(CompletableFuture<Long> exit, Duration max) {
        try {
            return exit.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Why a failed future failed, as an unchecked exception. */
    private static RuntimeException failureOf(CompletableFuture<?> failed) {
        Throwable cause;
        try {
            failed.join();
            return new IllegalStateException("the wait for the container did not fail");
        } catch (CompletionException e) {
            cause = e.getCause();
        }
        return cause instanceof RuntimeException r ? r : new ContainerEngineException("wait", String.valueOf(cause), cause);
    }
}
