package dev.containerrunner.plugin.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A memory size such as {@code 512m}: digits and an optional unit b, k, m or g (case-insensitive, binary). */
public record MemorySize(long bytes) implements Comparable<MemorySize> {

    /** The engine refuses memory limits under 6 MiB. */
    public static final long ENGINE_MINIMUM = 6L << 20;
    public static final String FORM = "a positive whole number with an optional unit b, k, m or g (e.g. '512m', '2g')";
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([bkmg])?b?", Pattern.CASE_INSENSITIVE);

    public MemorySize {
        if (bytes <= 0) {
            throw new IllegalArgumentException("memory size must be positive");
        }
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} explaining the form. */
    public static MemorySize parse(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORM);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (n == 0 || n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORM);
        }
        return new MemorySize(n << shift);
    }

    @Override
    public int compareTo(MemorySize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** The shortest exact form, e.g. {@code 512m}. */
    @Override
    public String toString() {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "g";
        }
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "m";
        }
        if (bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "k";
        }
        return bytes + "b";
    }
}
