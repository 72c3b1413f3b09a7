package dev.containerrunner.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Base of the SPI's typed, unchecked exceptions. It may carry a machine-readable
 * {@link FailureReason} and whether a new attempt may succeed ({@link #retryable()}); an engine
 * that records a failed task's result adds both through {@link ResultFields} ({@code failure_reason},
 * {@code retryable}). Both are optional: an exception made with the message-only constructors has
 * neither, and engines that ignore them keep working.
 */
public class TaskAppException extends RuntimeException implements ResultFields {

    private static final long serialVersionUID = 1L;
    private final FailureReason reason;
    private final boolean retryable;

    public TaskAppException(String message) {
        this(message, null, null);
    }

    public TaskAppException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** A failure of class {@code reason} (null: not known); retryable as the reason is. */
    public TaskAppException(String message, Throwable cause, FailureReason reason) {
        this(message, cause, reason, reason != null && reason.retryable());
    }

    /** A failure of class {@code reason} (null: not known) whose retryability the thrower decides. */
    public TaskAppException(String message, Throwable cause, FailureReason reason, boolean retryable) {
        super(message, cause);
        this.reason = reason;
        this.retryable = retryable;
    }

    /** Why the task failed, when the thrower knows the class. */
    public Optional<FailureReason> failureReason() {
        return Optional.ofNullable(reason);
    }

    /** Whether the same request may succeed when tried again later; false when no reason is known. */
    public boolean retryable() {
        return retryable;
    }

    /** {@code failure_reason} and {@code retryable} when a reason is known; nothing otherwise. */
    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (reason != null) {
            fields.put(FailureReason.RESULT_KEY, reason.wireName());
            fields.put(FailureReason.RETRYABLE_KEY, retryable);
        }
        return fields;
    }
}
