package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.LogSink;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds how many containers the app runs at once ({@code max_concurrent_containers}). A task
 * that finds every slot taken waits (saying so in its log) until one frees or it is cancelled.
 */
public final class ContainerSlots {

    private final int max;
    private final Semaphore permits;

    /** @param max how many slots there are, at least 1 */
    public ContainerSlots(int max) {
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /** A held slot; closing it gives it back (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * A slot, waiting for one while all are taken.
     *
     * @throws ActionFailedException when the task is cancelled or interrupted while waiting
     * @apiNote Thread-safe; slots are handed out in the order they were asked for.
     */
    public Slot acquire(ActionContext ctx) {
        if (!permits.tryAcquire()) {
            long start = System.nanoTime();
            ctx.log().line(LogSink.Stream.SYSTEM, "waiting for a container slot: all " + max
                    + " (max_concurrent_containers) are in use");
            try {
                while (!permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    if (ctx.cancellation().isCancelled()) {
                        throw new ActionFailedException("run", "cancelled while waiting for a container slot", null,
                                dev.containerrunner.spi.FailureReason.CANCELLED);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ActionFailedException("run", "interrupted while waiting for a container slot", e,
                        dev.containerrunner.spi.FailureReason.CANCELLED);
            }
            ctx.log().line(LogSink.Stream.SYSTEM, String.format("got a container slot after %.1f s",
                    (System.nanoTime() - start) / 1e9));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        };
    }
}
