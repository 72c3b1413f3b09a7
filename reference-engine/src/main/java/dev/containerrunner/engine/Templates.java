package dev.containerrunner.engine;

import dev.containerrunner.spi.ResultStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * References to earlier results inside kwargs. A string that is exactly {@code {{ key.path }}} is
 * replaced by the value (keeping its JSON type); inside a longer string the value is interpolated
 * as text (JSON for lists and maps).
 */
final class Templates {

    private static final Pattern REFERENCE =
            Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)((?:\\.[A-Za-z0-9_-]+)*)\\s*\\}\\}");

    private Templates() {
    }

    /** A reference: the key (result_key or task id) and the path below it, e.g. {@code [exit_code]}. */
    record Reference(String key, String path, String text) {
        String fullPath(String storageKey) {
            return path.isEmpty() ? storageKey : storageKey + path;
        }
    }

    /** Every reference anywhere in {@code value} (maps, lists, strings). */
    static List<Reference> references(Object value) {
        Set<Reference> out = new LinkedHashSet<>();
        collect(value, out);
        return new ArrayList<>(out);
    }

    /** Whether {@code value} is a string that is exactly one reference. */
    static boolean isWholeReference(Object value) {
        return value instanceof String s && REFERENCE.matcher(s.strip()).matches();
    }

    private static void collect(Object value, Set<Reference> out) {
        if (value instanceof String s) {
            Matcher m = REFERENCE.matcher(s);
            while (m.find()) {
                out.add(new Reference(m.group(1), m.group(2), m.group()));
            }
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, out));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, out));
        }
    }

    /**
     * Resolves every reference in {@code value}.
     *
     * @param storageKeyOf maps a reference key (result_key or task id) to the key its result is stored under
     */
    static Object resolve(Object value, ResultStore store, Function<String, String> storageKeyOf,
                          Function<Object, String> toText) {
        if (value instanceof String s) {
            Matcher whole = REFERENCE.matcher(s.strip());
            if (whole.matches()) {
                return lookup(new Reference(whole.group(1), whole.group(2), whole.group()), store, storageKeyOf);
            }
            Matcher m = REFERENCE.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                Object v = lookup(new Reference(m.group(1), m.group(2), m.group()), store, storageKeyOf);
                m.appendReplacement(sb, Matcher.quoteReplacement(v instanceof String str ? str : toText.apply(v)));
            }
            m.appendTail(sb);
            return sb.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), resolve(v, store, storageKeyOf, toText)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(resolve(v, store, storageKeyOf, toText)));
            return out;
        }
        return value;
    }

    private static Object lookup(Reference ref, ResultStore store, Function<String, String> storageKeyOf) {
        String storageKey = storageKeyOf.apply(ref.key());
        return store.lookup(ref.fullPath(storageKey))
                .orElseThrow(() -> new IllegalArgumentException("reference " + ref.text() + " does not resolve: the result of '"
                        + ref.key() + "' has no value at '" + ref.path().replaceFirst("^\\.", "") + "'"))
                .value();
    }
}
