package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads typed values from a configuration section, naming the key in every error. */
final class ConfigReader {

    private final String app;
    private final Map<String, Object> section;
    private final Set<String> known = new HashSet<>();

    ConfigReader(String app, Map<String, Object> section) {
        this.app = app;
        this.section = section;
    }

    void check(boolean ok, String key, String problem) {
        if (!ok) {
            throw new InvalidConfigurationException(app, key, problem);
        }
    }

    /** The first of {@code keys} (a name and its aliases) present; two of them at once is an error. */
    private Optional<Map.Entry<String, Object>> find(List<String> keys) {
        known.addAll(keys);
        Map.Entry<String, Object> found = null;
        for (String k : keys) {
            if (section.containsKey(k) && section.get(k) != null) {
                check(found == null, k, "is an alias of '" + keys.get(0) + "'; give only one of " + keys);
                found = Map.entry(k, section.get(k));
            }
        }
        return Optional.ofNullable(found);
    }

    int intValue(List<String> keys, int dflt, int min, int max) {
        return find(keys).map(e -> {
            Object v = e.getValue();
            check(v instanceof Integer || v instanceof Long, e.getKey(), "must be a whole number");
            long n = ((Number) v).longValue();
            check(n >= min && n <= max, e.getKey(), "must be between " + min + " and " + max + ", got " + n);
            return (int) n;
        }).orElse(dflt);
    }

    double number(String key, double dflt, double min, double max) {
        return find(List.of(key)).map(e -> {
            check(e.getValue() instanceof Number, key, "must be a number");
            double d = ((Number) e.getValue()).doubleValue();
            check(d >= min && d <= max, key, "must be between " + min + " and " + max + ", got " + d);
            return d;
        }).orElse(dflt);
    }

    boolean bool(List<String> keys, boolean dflt) {
        return find(keys).map(e -> {
            check(e.getValue() instanceof Boolean, e.getKey(), "must be true or false");
            return (Boolean) e.getValue();
        }).orElse(dflt);
    }

    String string(String key, String dflt) {
        return optionalString(key).orElse(dflt);
    }

    Optional<String> optionalString(String key) {
        return find(List.of(key)).map(e -> {
            check(e.getValue() instanceof String s && !s.isBlank(), key, "must be a non-empty string");
            return (String) e.getValue();
        });
    }

    MemorySize memory(String key, String dflt) {
        String text = find(List.of(key)).map(e -> {
            check(e.getValue() instanceof String, key, "must be a string such as '512m'");
            return (String) e.getValue();
        }).orElse(dflt);
        try {
            return MemorySize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(app, key, e.getMessage());
        }
    }

    List<String> stringList(String key) {
        return find(List.of(key)).map(e -> {
            check(e.getValue() instanceof List<?> l && l.stream().allMatch(x -> x instanceof String), key,
                    "must be a list of strings");
            return ((List<?>) e.getValue()).stream().map(String.class::cast).toList();
        }).orElse(List.of());
    }

    void rejectUnknown() {
        for (String k : section.keySet()) {
            if (!known.contains(k)) {
                throw new InvalidConfigurationException(app, k, "is not a known key; known keys: " + new TreeSet<>(known));
            }
        }
    }
}
