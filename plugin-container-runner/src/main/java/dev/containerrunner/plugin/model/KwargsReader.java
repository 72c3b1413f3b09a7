package dev.containerrunner.plugin.model;

import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.ParameterType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads typed values from kwargs at the edge, naming the parameter in every error. Numbers are read
 * by value and range ({@link WholeNumbers}), never wrapped.
 *
 * <p>Strict at the one place values are taken ({@link #raw}): a parameter given as {@code null}
 * (YAML {@code ~}, JSON {@code null}) is refused, never read as "use the default" — leave it out
 * for that; at every depth (e.g. {@code ulimits.nofile}, {@code input_file.encoding}). Every string
 * read (values, list elements, map keys such as environment names) must be well-formed Unicode
 * ({@link WellFormedText}), and map keys must be strings.
 *
 * @apiNote not thread-safe to share while the kwargs map changes; a reader per request
 */
public final class KwargsReader {

    private static final String NOT_NULL = "must not be null; leave it out to use its default";

    private final String action;
    private final Map<String, Object> kwargs;

    /** A reader of {@code kwargs} of {@code action}, named in errors. */
    public KwargsReader(String action, Map<String, Object> kwargs) {
        this.action = action;
        this.kwargs = kwargs;
    }

    /** The action whose kwargs these are. */
    public String action() {
        return action;
    }

    /** An error naming {@code parameter} with {@code problem}, for the caller to throw. */
    public InvalidKwargsException error(String parameter, String problem) {
        return new InvalidKwargsException(action, parameter, problem);
    }

    /**
     * The value as given, empty when missing.
     *
     * @throws InvalidKwargsException when it is given as null
     */
    public Optional<Object> raw(String name) {
        Object value = kwargs.get(name);
        if (value == null && kwargs.containsKey(name)) {
            throw error(name, NOT_NULL);
        }
        return Optional.ofNullable(value);
    }

    /** A string; any other type, and a string that is not well-formed Unicode, are refused. */
    public Optional<String> string(String name) {
        return raw(name).map(v -> {
            if (!(v instanceof String s)) {
                throw error(name, "must be a string, got " + ParameterType.describe(v));
            }
            return text(name, s);
        });
    }

    /** {@code s} when it is well-formed Unicode ({@link WellFormedText}); refused naming {@code name} otherwise. */
    private String text(String name, String s) {
        return parse(name, s, WellFormedText::check);
    }

    /** The key of a map entry of {@code name}: a well-formed string. */
    private String key(String name, Object key) {
        if (!(key instanceof String k)) {
            throw error(name, "has the key " + ParameterType.describe(key) + "; keys must be strings (quote them)");
        }
        WellFormedText.problem(k).ifPresent(p -> {
            throw error(name, "has a key that " + p);
        });
        return k;
    }

    /** A string that must be present. */
    public String requiredString(String name) {
        return string(name).orElseThrow(() -> error(name, "is required"));
    }

    /**
     * A whole number in {@code [min, max]}, read by value: a {@code BigInteger} beyond the range is
     * refused, never wrapped; fractions ({@code 5.5}, {@code 5.0}), strings ({@code "5"}) and
     * booleans are refused.
     *
     * @throws InvalidKwargsException naming the parameter and the range
     */
    public Optional<Long> integer(String name, long min, long max) {
        return raw(name).map(v -> parse(name, v, x -> WholeNumbers.inRange(x, min, max)));
    }

    /**
     * A finite number in {@code [min, max]} ({@code NaN}, infinities and {@code -0.0} below a
     * positive minimum are refused; a huge {@code BigInteger}/{@code BigDecimal} reads as infinite,
     * never wrapped).
     *
     * @throws InvalidKwargsException naming the parameter and the range
     */
    public Optional<Double> number(String name, double min, double max) {
        return raw(name).map(v -> {
            if (!(v instanceof Number n)) {
                throw error(name, "must be a number, got " + ParameterType.describe(v));
            }
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw error(name, "must be a finite number from " + min + " to " + max + ", got " + v);
            }
            if (d < min || d > max) {
                throw error(name, (d < min ? "must be at least " + min : "must be at most " + max)
                        + " (allowed: " + min + " to " + max + "), got " + v);
            }
            return d;
        });
    }

    /** A JSON/YAML boolean; strings such as {@code "true"} are refused. */
    public Optional<Boolean> bool(String name) {
        return raw(name).map(v -> {
            if (!(v instanceof Boolean b)) {
                throw error(name, "must be true or false, got " + ParameterType.describe(v));
            }
            return b;
        });
    }

    /** A list whose every element is a string; elements are named {@code name[i]} in errors. */
    public Optional<List<String>> stringList(String name) {
        return raw(name).map(v -> {
            if (!(v instanceof List<?> list)) {
                throw error(name, "must be a list of strings, got " + ParameterType.describe(v)
                        + (v instanceof String ? " (write [\"a\", \"b\"], not \"a b\")" : ""));
            }
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String s)) {
                    throw error(name + "[" + i + "]", "must be a string, got " + ParameterType.describe(list.get(i)));
                }
                if (s.indexOf('\0') >= 0) {
                    throw error(name + "[" + i + "]", "must not contain NUL characters");
                }
                out.add(text(name + "[" + i + "]", s));
            }
            return List.copyOf(out);
        });
    }

    /** A map of string to string; entries are named {@code name.key} in errors. */
    public Optional<Map<String, String>> stringMap(String name) {
        return raw(name).map(v -> {
            if (!(v instanceof Map<?, ?> map)) {
                throw error(name, "must be a map of strings, got " + ParameterType.describe(v));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = key(name, e.getKey());
                if (e.getValue() == null) {
                    throw error(name + "." + key, NOT_NULL + " (an empty string is \"\")");
                }
                if (!(e.getValue() instanceof String s)) {
                    throw error(name + "." + key, "must be a string, got " + ParameterType.describe(e.getValue())
                            + " (quote numbers and booleans)");
                }
                out.put(key, text(name + "." + key, s));
            }
            return out;
        });
    }

    /** A nested object, read with its own reader whose parameter names are prefixed {@code name.}. */
    public Optional<KwargsReader> object(String name, List<String> allowedKeys) {
        return raw(name).map(v -> {
            if (!(v instanceof Map<?, ?> map)) {
                throw error(name, "must be an object with keys " + allowedKeys + ", got " + ParameterType.describe(v));
            }
            Map<String, Object> nested = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = key(name, e.getKey());
                if (!allowedKeys.contains(key)) {
                    throw error(name + "." + key, "is not accepted; allowed keys: " + allowedKeys);
                }
                nested.put(name + "." + key, e.getValue());
            }
            return new KwargsReader(action, nested);
        });
    }

    /** Parses a value with {@code parser}, turning its {@link IllegalArgumentException} into a named error. */
    public <V, T> T parse(String name, V value, java.util.function.Function<V, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }
}
