package dev.containerrunner.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks kwargs against an action's {@link ParameterSpec}s: unknown names, missing required ones,
 * null values (a parameter given as null is refused, never read as "use the default": leave it
 * out for that) and JSON types. Apps still validate values (ranges, formats) when they parse kwargs.
 */
public final class KwargsValidator {

    private KwargsValidator() {
    }

    /**
     * Validates {@code kwargs} and returns a copy with defaults filled in.
     *
     * @throws InvalidKwargsException naming the first parameter at fault
     */
    public static Map<String, Object> validate(ActionDefinition action, Map<String, ?> kwargs) {
        return validate(action, kwargs, value -> false);
    }

    /**
     * Like {@link #validate(ActionDefinition, Map)}, but values for which {@code deferred} answers
     * true (e.g. references an engine resolves later) only count as present: their type is not
     * checked yet.
     */
    public static Map<String, Object> validate(ActionDefinition action, Map<String, ?> kwargs,
                                               java.util.function.Predicate<Object> deferred) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : kwargs.entrySet()) {
            ParameterSpec spec = action.parameter(e.getKey()).orElseThrow(() -> new InvalidKwargsException(
                    action.name(), e.getKey(), "is not accepted; allowed parameters: " + names(action)));
            Object value = e.getValue();
            if (value == null) { // never "use the default": leaving the parameter out says that
                throw new InvalidKwargsException(action.name(), spec.name(), spec.required() ? "is required and cannot be null"
                        : "must not be null; leave it out to use its default" + (spec.defaultValue() == null ? ""
                        : " (" + spec.defaultValue() + ")"));
            }
            if (!deferred.test(value) && !spec.type().accepts(value)) {
                throw new InvalidKwargsException(action.name(), spec.name(),
                        "must be " + spec.type().withArticle() + ", got " + ParameterType.describe(value));
            }
            result.put(spec.name(), value);
        }
        for (ParameterSpec spec : action.parameters()) {
            if (!result.containsKey(spec.name())) {
                if (spec.required()) {
                    throw new InvalidKwargsException(action.name(), spec.name(),
                            "is required (" + spec.type().jsonName() + ": " + spec.doc() + ")");
                }
                if (spec.defaultValue() != null) {
                    result.put(spec.name(), spec.defaultValue());
                }
            }
        }
        return result;
    }

    private static String names(ActionDefinition action) {
        return action.parameters().stream().map(ParameterSpec::name)
                .collect(Collectors.toCollection(TreeSet::new)).toString();
    }
}
