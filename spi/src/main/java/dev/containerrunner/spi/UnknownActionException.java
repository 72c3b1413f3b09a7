package dev.containerrunner.spi;

import java.util.Collection;
import java.util.List;

/** An action name (or function name) that no app registered. */
public class UnknownActionException extends TaskAppException {

    private static final long serialVersionUID = 1L;
    private final String appId;
    private final String actionName;
    private final List<String> known;

    public UnknownActionException(String appId, String actionName, Collection<String> known) {
        super("unknown action '" + actionName + "' in app '" + appId + "'; known actions: " + known);
        this.appId = appId;
        this.actionName = actionName;
        this.known = List.copyOf(known);
    }

    public String appId() {
        return appId;
    }

    public String actionName() {
        return actionName;
    }

    public List<String> knownActions() {
        return known;
    }
}
