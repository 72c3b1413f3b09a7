package dev.containerrunner.spi;

import java.util.Map;

/**
 * Implemented by an exception an action throws to give the failed task's result machine-readable
 * fields besides {@code success: false} and {@code error}, e.g. {@code failure_reason} and
 * {@code retryable} (every {@link TaskAppException} does, when it carries a {@link FailureReason}).
 * An engine that records a result for a task whose action threw adds these fields to it; it never
 * lets them replace {@code success} or {@code error}. Where {@code failure_reason} comes without
 * {@code retryable}, an engine reads it from {@link FailureReason#retryable()}.
 */
public interface ResultFields {

    /** JSON-shaped keys and values for the failed task's result (insertion order kept); never null. */
    Map<String, Object> resultFields();
}
