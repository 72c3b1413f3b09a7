package dev.containerrunner.plugin.execution;

import java.util.Locale;

/**
 * Why a run result's {@code usage} is null: the closed set of {@code usage_unavailable_reason}
 * values (public API: values are only added, never renamed).
 */
public enum UsageUnavailable {
    /** Nothing ran: the task was cancelled, or failed, before the container started (image, inputs, create, start). */
    NOT_STARTED,
    /** The container ended before the engine's first stats reading of it (the engine reads about once a second). */
    NOT_SAMPLED,
    /**
     * The engine's stats stream could not be opened, or failed before the container's exit was seen
     * (an error status, an unreadable reading, a broken or ended connection), with or without readings.
     */
    STATS_FAILED,
    /** The backend has no trustworthy source of peak memory and CPU time (Kubernetes without a metrics source). */
    NO_METRICS_SOURCE;

    /** The result and audit key that carries the reason. */
    public static final String RESULT_KEY = "usage_unavailable_reason";

    /** The value in results and audit lines, e.g. {@code not_sampled}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
