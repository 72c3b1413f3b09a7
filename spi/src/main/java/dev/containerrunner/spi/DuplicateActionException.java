package dev.containerrunner.spi;

/** An action name registered twice in one app. */
public class DuplicateActionException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String appId;
    private final String actionName;

    public DuplicateActionException(String appId, String actionName) {
        super("action '" + actionName + "' is registered twice in app '" + appId + "'");
        this.appId = appId;
        this.actionName = actionName;
    }

    public String appId() {
        return appId;
    }

    public String actionName() {
        return actionName;
    }
}
