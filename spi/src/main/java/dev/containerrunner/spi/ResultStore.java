package dev.containerrunner.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * result_key handling: an engine stores each task's result (a JSON-shaped map) under the task's
 * result_key, and later tasks read values by path, e.g. {@code python_result.exit_code} or
 * {@code collected.files.0.size_bytes}. Thread-safe.
 */
public final class ResultStore {

    private final Map<String, Map<String, Object>> results = new ConcurrentHashMap<>();

    /** Stores {@code result} under {@code resultKey}; a key can be written once. */
    public void put(String resultKey, Map<String, Object> result) {
        if (resultKey == null || resultKey.isEmpty() || resultKey.contains(".")) {
            throw new IllegalArgumentException("result_key must be a non-empty name without dots: " + resultKey);
        }
        if (results.putIfAbsent(resultKey, result) != null) {
            throw new IllegalStateException("result_key '" + resultKey + "' already holds a result");
        }
    }

    public Optional<Map<String, Object>> get(String resultKey) {
        return Optional.ofNullable(results.get(resultKey));
    }

    /** Every stored result, keyed by result_key. */
    public Map<String, Map<String, Object>> snapshot() {
        return Map.copyOf(results);
    }

    /**
     * Looks up {@code key.path...}: map keys by name, list elements by index. A JSON null found at
     * the end of the path is a value ({@code Optional.of(Value(null))}); a path that leads nowhere is
     * empty.
     */
    public Optional<Value> lookup(String path) {
        String[] steps = path.split("\\.", -1);
        if (!results.containsKey(steps[0])) {
            return Optional.empty();
        }
        Object current = results.get(steps[0]);
        for (int i = 1; i < steps.length; i++) {
            if (current instanceof Map<?, ?> map && map.containsKey(steps[i])) {
                current = map.get(steps[i]);
            } else if (current instanceof List<?> list && isIndex(steps[i], list.size())) {
                current = list.get(Integer.parseInt(steps[i]));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new Value(current));
    }

    private static boolean isIndex(String s, int size) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(s) < size;
    }

    /** A found value, possibly JSON null. */
    public record Value(Object value) {
    }
}
