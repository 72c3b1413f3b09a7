package dev.containerrunner.engine;

import dev.containerrunner.spi.FailureReason;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How often and when a failed task is tried again: a task's {@code retry} in the workflow format.
 * Attempt n+1 starts {@link #backoffBefore(int)} after attempt n failed with a reason in {@link #on()},
 * as a new invocation of the action (for container_runner: a new container and audit line); at most
 * {@link #maxAttempts()} attempts in all. No jitter: waits are exactly as configured.
 *
 * @param maxAttempts    attempts in all, the first included: {@value #MIN_ATTEMPTS}..{@value #MAX_ATTEMPTS}
 * @param initialBackoff the wait before the second attempt
 * @param backoffFactor  each further wait is the previous one times this (at least 1)
 * @param maxBackoff     no wait is longer than this
 * @param on             the failure reasons that are retried; a failure without a reason, or with
 *                       another, ends the task at once
 * @apiNote Immutable and thread-safe.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double backoffFactor, Duration maxBackoff,
                          Set<FailureReason> on) {

    /** The fewest attempts a policy may allow. */
    public static final int MIN_ATTEMPTS = 1;
    /** The most attempts a policy may allow. */
    public static final int MAX_ATTEMPTS = 10;
    /** One attempt, no retry: a task without {@code retry}. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, Set.of());

    /** @throws IllegalArgumentException for values outside the documented ranges */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < MIN_ATTEMPTS || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts must be " + MIN_ATTEMPTS + ".." + MAX_ATTEMPTS + ", got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must be 0 <= initial <= max, got " + initialBackoff + ", " + maxBackoff);
        }
        if (!(backoffFactor >= 1.0) || Double.isInfinite(backoffFactor)) {
            throw new IllegalArgumentException("backoffFactor must be finite and at least 1, got " + backoffFactor);
        }
        on = Collections.unmodifiableSet(on.isEmpty() ? EnumSet.noneOf(FailureReason.class) : EnumSet.copyOf(on));
    }

    /**
     * A policy of {@code maxAttempts} with the documented defaults: 1 s, doubled each time, at most
     * 60 s, on every retryable reason ({@link FailureReason#retryableReasons()}).
     */
    public static RetryPolicy of(int maxAttempts) {
        return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), FailureReason.retryableReasons());
    }

    /**
     * Whether a task whose attempt number {@code attempt} (from 1) failed with {@code reason} (null:
     * none given) gets another attempt.
     */
    public boolean retries(FailureReason reason, int attempt) {
        return reason != null && attempt < maxAttempts && on.contains(reason);
    }

    /**
     * The wait before attempt {@code attempt} (2 or more): {@code initialBackoff * backoffFactor^(attempt - 2)},
     * at most {@code maxBackoff}; millisecond precision.
     *
     * @throws IllegalArgumentException when {@code attempt} is below 2
     */
    public Duration backoffBefore(int attempt) {
        if (attempt < 2) {
            throw new IllegalArgumentException("the first attempt has no backoff; got attempt " + attempt);
        }
        double millis = initialBackoff.toMillis() * Math.pow(backoffFactor, attempt - 2);
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(Math.round(millis));
    }
}
