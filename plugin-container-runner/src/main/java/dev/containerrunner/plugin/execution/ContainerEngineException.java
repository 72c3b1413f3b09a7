package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ResultFields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The container engine failed an operation, or could not be reached. Names the operation, and
 * carries why as a {@link FailureReason} ({@code engine_error} unless the thrower knows better,
 * e.g. {@code engine_unreachable}, {@code start_failed}), which the failed task's result gets as
 * {@code failure_reason} and {@code retryable} ({@link ResultFields}).
 */
public class ContainerEngineException extends RuntimeException implements ResultFields {

    private static final long serialVersionUID = 1L;
    private final String operation;
    private final FailureReason reason;
    private transient volatile UsageReport usage;

    /** A failure of class {@code engine_error}. */
    public ContainerEngineException(String operation, String message, Throwable cause) {
        this(operation, message, cause, FailureReason.ENGINE_ERROR);
    }

    /** A failure of class {@code reason} (null: not known). */
    public ContainerEngineException(String operation, String message, Throwable cause, FailureReason reason) {
        super(operation + ": " + message, cause);
        this.operation = operation;
        this.reason = reason;
    }

    /** The operation that failed, e.g. {@code remove container}. */
    public String operation() {
        return operation;
    }

    /** Why, when known. */
    public Optional<FailureReason> failureReason() {
        return Optional.ofNullable(reason);
    }

    /**
     * Sets what the failed run used, or why that is unknown ({@code usage}, {@code usage_unavailable_reason}
     * in {@link #resultFields()}); set once by the run action's attempt (never for collect_output).
     * A backend that measured the container before failing may set it first; the first value stays.
     *
     * @return this exception
     */
    public ContainerEngineException usageIfAbsent(UsageReport report) {
        if (usage == null) {
            usage = report;
        }
        return this;
    }

    /** What the failed run used, when this exception left a run action; empty otherwise. */
    public Optional<UsageReport> usage() {
        return Optional.ofNullable(usage);
    }

    /** {@code usage} and {@code usage_unavailable_reason} into {@code fields} when set (a run's failure). */
    protected final void putUsage(Map<String, Object> fields) {
        UsageReport u = usage;
        if (u != null) {
            u.putInto(fields);
        }
    }

    /**
     * {@code failure_reason} and {@code retryable} when the reason is known; {@code usage} and
     * {@code usage_unavailable_reason} when the failure left a run action; nothing otherwise.
     */
    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (reason != null) {
            fields.put(FailureReason.RESULT_KEY, reason.wireName());
            fields.put(FailureReason.RETRYABLE_KEY, reason.retryable());
        }
        putUsage(fields);
        return fields;
    }
}
