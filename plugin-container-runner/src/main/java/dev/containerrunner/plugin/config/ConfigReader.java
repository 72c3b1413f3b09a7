package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ContainerUser;
import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.plugin.model.WellFormedText;
import dev.containerrunner.plugin.model.WholeNumbers;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values from a configuration section, naming the key in every error.
 *
 * <p>Strict at the one place keys are looked up ({@link #find}): a key given as {@code null}
 * (YAML {@code ~} or an empty value read as null, JSON {@code null}) is refused naming it and its
 * default, never read as "use the default" (leave the key out for that), at every depth
 * ({@code kubernetes.*}, {@code s3.*}, {@code registries[HOST].*}, {@code max_ulimits.*}). Every
 * string read (values, list elements, the keys of {@link #entries}) must be well-formed Unicode
 * ({@code WellFormedText}), and the keys of nested objects must be strings.
 */
final class ConfigReader {

    private final String app;
    private final Map<String, Object> section;
    private final String prefix;
    private final Set<String> known = new HashSet<>();

    ConfigReader(String app, Map<String, Object> section) {
        this(app, section, "");
    }

    private ConfigReader(String app, Map<String, Object> section, String prefix) {
        this.app = app;
        this.section = section;
        this.prefix = prefix;
    }

    /** A nested object, read with keys named {@code name.key} in errors. */
    Optional<ConfigReader> section(String name) {
        return find(List.of(name), "none").map(e -> {
            check(e.getValue() instanceof Map<?, ?>, name, "must be an object");
            return new ConfigReader(app, nested(name, (Map<?, ?>) e.getValue()), prefix + name + ".");
        });
    }

    /** The entries of the object at {@code name}, whose keys must be well-formed strings. */
    private Map<String, Object> nested(String name, Map<?, ?> given) {
        Map<String, Object> nested = new java.util.LinkedHashMap<>();
        given.forEach((k, v) -> nested.put(key(name, k), v));
        return nested;
    }

    private String key(String name, Object key) {
        check(key instanceof String, name, "has the key " + describe(key) + "; keys must be strings (quote them)");
        WellFormedText.problem((String) key).ifPresent(p -> check(false, name, "has a key that " + p));
        return (String) key;
    }

    /**
     * An object whose values are objects, e.g. {@code registries: {HOST: {...}}}: one reader per
     * entry, with keys named {@code name[KEY].field} in errors.
     */
    java.util.Map<String, ConfigReader> entries(String name) {
        java.util.Map<String, ConfigReader> out = new java.util.LinkedHashMap<>();
        find(List.of(name), "{}").ifPresent(e -> {
            check(e.getValue() instanceof Map<?, ?>, name, "must be an object whose keys are names and values objects");
            nested(name, (Map<?, ?>) e.getValue()).forEach((k, v) -> {
                String key = prefix + name + "[" + k + "]";
                if (!(v instanceof Map<?, ?> m)) {
                    throw new InvalidConfigurationException(app, key, v == null ? NOT_NULL + " the entry or give it as an object" : "must be an object");
                }
                out.put(k, new ConfigReader(app, nested(name + "[" + k + "]", m), key + "."));
            });
        });
        return out;
    }

    /** The app these keys configure, for errors made outside this reader. */
    String app() {
        return app;
    }

    /** The key prefix of this reader's errors, e.g. {@code registries[HOST].}; empty at the top. */
    String prefix() {
        return prefix;
    }

    /** Runs {@code validation}, turning its {@link IllegalArgumentException} into an error naming {@code key}. */
    void checked(String key, Runnable validation) {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(app, key.startsWith(prefix) ? key : prefix + key, e.getMessage());
        }
    }

    void check(boolean ok, String key, String problem) {
        if (!ok) {
            throw new InvalidConfigurationException(app, key.startsWith(prefix) ? key : prefix + key, problem);
        }
    }

    private static final String NOT_NULL = "must not be null; omit";
    /**
     * The first of {@code keys} (a name and its aliases) present; two of them at once is an error,
     * and so is one given as null ({@code dflt} describes the default in that error).
     */
    private Optional<Map.Entry<String, Object>> find(List<String> keys, Object dflt) {
        known.addAll(keys);
        Map.Entry<String, Object> found = null;
        for (String k : keys) {
            if (section.containsKey(k)) {
                check(section.get(k) != null, k, NOT_NULL + " the key for the default (" + dflt + ")");
                check(found == null, k, "is an alias of '" + keys.get(0) + "'; give only one of " + keys);
                found = Map.entry(k, section.get(k));
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether {@code key} is written in this section (null included), e.g. to refuse a key another key rules out. */
    boolean given(String key) {
        return section.containsKey(key);
    }

    /**
     * A whole number in {@code [min, max]}, read by value ({@link WholeNumbers}): fractions, strings,
     * booleans and numbers outside the range are refused naming the key and the range, never
     * wrapped.
     */
    int intValue(List<String> keys, int dflt, int min, int max) {
        return whole(keys, dflt, min, max).map(Long::intValue).orElse(dflt);
    }

    /** A whole number in {@code [min, max]} as a {@code long}, read by value like {@link #intValue}. */
    long longValue(String key, long dflt, long min, long max) {
        return whole(List.of(key), dflt, min, max).orElse(dflt);
    }

    private Optional<Long> whole(List<String> keys, Object dflt, long min, long max) {
        return find(keys, dflt).map(e -> {
            try {
                return WholeNumbers.inRange(e.getValue(), min, max);
            } catch (IllegalArgumentException bad) {
                throw new InvalidConfigurationException(app, prefix + e.getKey(), bad.getMessage());
            }
        });
    }

    /** A finite number in {@code [min, max]}; NaN, infinities, strings and booleans are refused. */
    double number(String key, double dflt, double min, double max) {
        return find(List.of(key), dflt).map(e -> {
            check(e.getValue() instanceof Number, key, "must be a number from " + min + " to " + max + ", got " + describe(e.getValue()));
            double d = ((Number) e.getValue()).doubleValue();
            check(d >= min && d <= max, key, "must be a finite number from " + min + " to " + max + ", got " + e.getValue());
            return d;
        }).orElse(dflt);
    }

    boolean bool(List<String> keys, boolean dflt) {
        return find(keys, dflt).map(e -> {
            check(e.getValue() instanceof Boolean, e.getKey(), "must be true or false (unquoted), got " + describe(e.getValue()));
            return (Boolean) e.getValue();
        }).orElse(dflt);
    }

    String string(String key, String dflt) {
        return text(key, dflt).orElse(dflt);
    }

    Optional<String> optionalString(String key) {
        return text(key, "none");
    }

    private Optional<String> text(String key, String dflt) {
        return find(List.of(key), dflt).map(e -> {
            check(e.getValue() instanceof String s && !s.isBlank(), key, "must be a non-empty string");
            return wellFormed(key, (String) e.getValue());
        });
    }

    /** {@code s} when it is well-formed Unicode; refused naming {@code key} otherwise. */
    private String wellFormed(String key, String s) {
        WellFormedText.problem(s).ifPresent(p -> check(false, key, p));
        return s;
    }

    MemorySize memory(String key, String dflt) {
        String text = find(List.of(key), dflt).map(e -> {
            check(e.getValue() instanceof String, key, "must be a string such as '512m'");
            return wellFormed(key, (String) e.getValue());
        }).orElse(dflt);
        try {
            return MemorySize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(app, prefix + key, e.getMessage());
        }
    }

    /**
     * The {@code user} key as numeric ids ({@link ContainerUser}). A YAML/JSON number is refused: it
     * may already have been read in another base (YAML 1.1 reads {@code 0700} as 448).
     */
    ContainerUser user(String key, ContainerUser dflt) {
        return find(List.of(key), "\"" + dflt + "\"").map(e -> {
            check(e.getValue() instanceof String, key, "must be a quoted string 'uid' or 'uid:gid' such as \"65534:65534\","
                    + " got " + describe(e.getValue()));
            wellFormed(key, (String) e.getValue());
            try {
                return ContainerUser.parse((String) e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new InvalidConfigurationException(app, prefix + key, bad.getMessage());
            }
        }).orElse(dflt);
    }

    List<String> stringList(String key) {
        return find(List.of(key), "[]").map(e -> {
            check(e.getValue() instanceof List<?> l && l.stream().allMatch(x -> x instanceof String), key,
                    "must be a list of strings");
            List<?> list = (List<?>) e.getValue();
            for (int i = 0; i < list.size(); i++) {
                wellFormed(key + "[" + i + "]", (String) list.get(i));
            }
            return list.stream().map(String.class::cast).toList();
        }).orElse(List.of());
    }

    private static String describe(Object value) {
        return value instanceof String s ? "the string '" + s + "'" : String.valueOf(value);
    }

    /** The keys written in this section, as written (for refusals that must come before {@link #rejectUnknown}). */
    Set<String> keys() {
        return java.util.Collections.unmodifiableSet(section.keySet());
    }

    /** The value of {@code key} as parsed (marked known), empty when absent; null is refused. */
    Optional<Object> value(String key) {
        return find(List.of(key), "none").map(Map.Entry::getValue);
    }

    /** A finite number in {@code [min, max]} when present; NaN, infinities, strings and booleans are refused. */
    Optional<Double> optionalNumber(String key, double min, double max) {
        return find(List.of(key), "none").map(e -> number(key, 0, min, max));
    }

    /** A whole number in {@code [min, max]} when present, read by value like {@link #intValue}. */
    Optional<Long> optionalWhole(String key, long min, long max) {
        return whole(List.of(key), "none", min, max);
    }

    /** An object of strings to strings, e.g. {@code node_selector: {pool: batch}}; other value types are refused. */
    Map<String, String> stringMap(String key) {
        return find(List.of(key), "{}").map(e -> {
            check(e.getValue() instanceof Map<?, ?> m && m.values().stream().allMatch(v -> v instanceof String), key,
                    "must be an object whose values are strings (quote numbers and booleans)");
            Map<String, String> out = new java.util.LinkedHashMap<>();
            ((Map<?, ?>) e.getValue()).forEach((k, v) -> out.put(String.valueOf(k), (String) v));
            return out;
        }).orElse(Map.of());
    }

    /** A list of objects, one reader per item with keys named {@code key[i].field} in errors. */
    List<ConfigReader> objectList(String key) {
        return find(List.of(key), "[]").map(e -> {
            check(e.getValue() instanceof List<?>, key, "must be a list of objects");
            List<ConfigReader> out = new java.util.ArrayList<>();
            List<?> items = (List<?>) e.getValue();
            for (int i = 0; i < items.size(); i++) {
                String item = prefix + key + "[" + i + "]";
                if (!(items.get(i) instanceof Map<?, ?> m)) {
                    throw new InvalidConfigurationException(app, item, "must be an object");
                }
                Map<String, Object> nested = new java.util.LinkedHashMap<>();
                m.forEach((mk, mv) -> nested.put(String.valueOf(mk), mv));
                out.add(new ConfigReader(app, nested, item + "."));
            }
            return out;
        }).orElse(List.of());
    }

    /** An error naming {@code key} (under this reader's prefix), for the caller to throw. */
    InvalidConfigurationException error(String key, String problem) {
        return new InvalidConfigurationException(app, key.startsWith(prefix) ? key : prefix + key, problem);
    }

    void rejectUnknown() {
        for (String k : section.keySet()) {
            if (!known.contains(k)) {
                throw new InvalidConfigurationException(app, prefix + k, "is not a known key; known keys: " + new TreeSet<>(known));
            }
        }
    }
}
