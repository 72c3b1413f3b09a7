package dev.containerrunner.spi;

/** A kwarg that is unknown, missing or of the wrong shape. Names the action and the parameter. */
public class InvalidKwargsException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String action;
    private final String parameter;

    public InvalidKwargsException(String action, String parameter, String problem) {
        super(action + ": parameter '" + parameter + "' " + problem);
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
