package dev.containerrunner.plugin.audit;

import dev.containerrunner.spi.FailureReason;
import dev.containerrunner.spi.TaskAppException;

/**
 * The audit log could not take a line. The attempt it was for is refused before anything is
 * created, or — when its final line is what failed — the task fails with this error. Its
 * {@code failure_reason} is {@code audit_failed}, or the reason of the failure whose line was lost.
 */
public class AuditLogException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String destination;

    /**
     * @param message     the whole message, naming the destination
     * @param destination where the line should have gone (the audit file's path)
     * @param cause       what the destination reported
     */
    public AuditLogException(String message, String destination, Throwable cause) {
        this(message, destination, cause, FailureReason.AUDIT_FAILED);
    }

    /** As {@link #AuditLogException(String, String, Throwable)}, for a failure of class {@code reason}. */
    public AuditLogException(String message, String destination, Throwable cause, FailureReason reason) {
        super(message, cause, reason);
        this.destination = destination;
    }

    /** Where the line should have gone, e.g. the audit file's path. */
    public String destination() {
        return destination;
    }
}
