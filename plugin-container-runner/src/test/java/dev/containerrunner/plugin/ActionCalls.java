package dev.containerrunner.plugin;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.KwargsValidator;
import java.util.HashMap;
import java.util.Map;

/** Calls an action as an engine would: fill defaults, run its plan-time validator, then its handler. */
public final class ActionCalls {

    private ActionCalls() {
    }

    /** {@code kv} is key, value, key, value, ... */
    public static Map<String, Object> call(ActionRegistry actions, String action, ActionContext ctx, Object... kv) {
        Map<String, Object> kwargs = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            kwargs.put((String) kv[i], kv[i + 1]);
        }
        return call(actions, action, ctx, kwargs);
    }

    public static Map<String, Object> call(ActionRegistry actions, String action, ActionContext ctx, Map<String, Object> kwargs) {
        ActionDefinition def = actions.get(action);
        Map<String, Object> filled = KwargsValidator.validate(def, kwargs);
        def.validator().check(filled);
        return def.handler().invoke(filled, ctx);
    }
}
