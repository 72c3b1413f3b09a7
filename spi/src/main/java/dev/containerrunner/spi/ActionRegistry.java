package dev.containerrunner.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The strict registry of one app's actions: names are explicit and unique.
 * Registering a name twice throws {@link DuplicateActionException}; looking up a name that was
 * never registered throws {@link UnknownActionException}. Not thread-safe during registration;
 * safe to read afterwards.
 */
public final class ActionRegistry {

    private final String appId;
    private final Map<String, ActionDefinition> actions = new LinkedHashMap<>();

    public ActionRegistry(String appId) {
        this.appId = appId;
    }

    /** Collects the actions of {@code app}. */
    public static ActionRegistry of(TaskApp app) {
        ActionRegistry registry = new ActionRegistry(app.id());
        app.registerActions(registry);
        return registry;
    }

    public String appId() {
        return appId;
    }

    public ActionRegistry register(ActionDefinition action) {
        if (actions.putIfAbsent(action.name(), action) != null) {
            throw new DuplicateActionException(appId, action.name());
        }
        return this;
    }

    public ActionDefinition get(String actionName) {
        ActionDefinition action = actions.get(actionName);
        if (action == null) {
            throw new UnknownActionException(appId, actionName, actions.keySet());
        }
        return action;
    }

    public boolean contains(String actionName) {
        return actions.containsKey(actionName);
    }

    /** Every action, in registration order. */
    public Collection<ActionDefinition> actions() {
        return Collections.unmodifiableCollection(actions.values());
    }
}
