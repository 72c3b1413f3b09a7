package dev.containerrunner.engine;

import dev.containerrunner.spi.CancellationSignal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits between a failed attempt and the next one; cancellation ends the wait at once. The engine
 * uses {@link #REAL}; tests inject one that records the waits instead of sleeping.
 */
@FunctionalInterface
public interface BackoffTimer {

    /**
     * Waits {@code delay} unless {@code cancellation} fires first (or has already fired).
     *
     * @return true when the whole delay passed; false when the wait ended because the task was
     *         cancelled (or the waiting thread was interrupted, whose flag is then set again)
     * @apiNote Called from task threads, concurrently: implementations must be thread-safe.
     */
    boolean await(Duration delay, CancellationSignal cancellation);

    /** Waits on the system clock, woken by the cancellation callback. */
    BackoffTimer REAL = (delay, cancellation) -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        try (CancellationSignal.Registration r = cancellation.onCancel(cancelled::countDown)) {
            return !cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    };
}
