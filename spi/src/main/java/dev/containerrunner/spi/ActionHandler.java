package dev.containerrunner.spi;

import java.util.Map;

/**
 * The code behind one action.
 *
 * <p>{@code kwargs} have already been checked against the action's {@link ParameterSpec}s by the
 * engine (see {@link KwargsValidator}): no unknown names, every required one present, JSON types
 * right, defaults filled in. The returned map is the task's result: JSON-shaped (strings, numbers,
 * booleans, lists, maps, null). By convention it carries {@code success}; an engine treats
 * {@code success: false} as a failed task while still recording the result.
 */
@FunctionalInterface
public interface ActionHandler {

    Map<String, Object> invoke(Map<String, Object> kwargs, ActionContext context);
}
