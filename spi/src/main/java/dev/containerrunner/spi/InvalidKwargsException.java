package dev.containerrunner.spi;

/**
 * A kwarg that is unknown, missing or of the wrong shape. Names the action and the parameter.
 * Its {@link #failureReason()} is {@link FailureReason#INVALID_REQUEST} unless a subclass says
 * otherwise (e.g. a policy denial); never retryable.
 */
public class InvalidKwargsException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String action;
    private final String parameter;

    public InvalidKwargsException(String action, String parameter, String problem) {
        this(action, parameter, problem, FailureReason.INVALID_REQUEST);
    }

    /** A refusal of class {@code reason}, e.g. {@link FailureReason#POLICY_DENIED}. */
    public InvalidKwargsException(String action, String parameter, String problem, FailureReason reason) {
        super(action + ": parameter '" + parameter + "' " + problem, null, reason);
        this.action = action;
        this.parameter = parameter;
    }

    public String action() {
        return action;
    }

    public String parameter() {
        return parameter;
    }
}
