package dev.containerrunner.plugin.model;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory size such as {@code 512m}: a whole number and an optional unit b, k, m or g
 * (case-insensitive, binary; {@code kb}/{@code mb}/{@code gb} are the same units). The grammar, as
 * the README documents it: {@code [1-9][0-9]*} then nothing, {@code b}, {@code k}, {@code m},
 * {@code g}, {@code kb}, {@code mb} or {@code gb}, in any case ({@code 4G}, {@code 1Gb},
 * {@code 512MB}); k = 1024 bytes, m = 1024 k, g = 1024 m (so {@code 1gb} is 1 GiB, not 10^9).
 *
 * <p>Read by value: no sign, no leading zero, no whitespace, and a size that does not fit in a
 * {@code long} number of bytes is refused, never wrapped.
 */
public record MemorySize(long bytes) implements Comparable<MemorySize> {

    /** The engine refuses memory limits under 6 MiB. */
    public static final long ENGINE_MINIMUM = 6L << 20;
    public static final String FORM = "a positive whole number with an optional unit b, k, m or g (e.g. '512m', '2g';"
            + " case-insensitive; binary: k = 1024; kb, mb and gb mean k, m and g)";
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([bkmg]|[kmg]b)?", Pattern.CASE_INSENSITIVE);

    public MemorySize {
        if (bytes <= 0) {
            throw new IllegalArgumentException("memory size must be positive");
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException explaining the form, or the largest size when it is too large
     */
    public static MemorySize parse(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORM);
        }
        String digits = m.group(1);
        if (digits.startsWith("0")) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORM
                    + (digits.chars().allMatch(c -> c == '0') ? "" : "; write it without leading zeros"));
        }
        String unit = m.group(2) == null ? "b" : m.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long largest = Long.MAX_VALUE >> shift;
        if (digits.length() > 19 || new BigInteger(digits).compareTo(BigInteger.valueOf(largest)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too large: at most " + largest + unit + " (" + FORM + ")");
        }
        return new MemorySize(Long.parseLong(digits) << shift);
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
