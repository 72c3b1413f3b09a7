package dev.containerrunner.spi;

/** An action that could not do its work for a reason other than bad kwargs. */
public class ActionFailedException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String action;

    public ActionFailedException(String action, String message) {
        super(action + ": " + message);
        this.action = action;
    }

    public ActionFailedException(String action, String message, Throwable cause) {
        super(action + ": " + message, cause);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
