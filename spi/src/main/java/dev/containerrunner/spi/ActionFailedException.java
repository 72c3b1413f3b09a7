package dev.containerrunner.spi;

/** An action that could not do its work for a reason other than bad kwargs. */
public class ActionFailedException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String action;

    public ActionFailedException(String action, String message) {
        this(action, message, null, null);
    }

    public ActionFailedException(String action, String message, Throwable cause) {
        this(action, message, cause, null);
    }

    /** A failure of class {@code reason} (null: not known); retryable as the reason is. */
    public ActionFailedException(String action, String message, Throwable cause, FailureReason reason) {
        super(action + ": " + message, cause, reason);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
