package dev.containerrunner.plugin.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Whole numbers read by value from parsed JSON or YAML, exactly: never wrapped, truncated or rounded.
 *
 * <p>Jackson hands a whole number over as {@link Integer}, {@link Long} or {@link BigInteger} by
 * size (and, when configured so, {@link BigDecimal}); {@code Number.longValue()} on a
 * {@code BigInteger} keeps the low 64 bits, so {@code 2^64+5} would read as {@code 5}. Here every
 * value is compared by value with its range first, and only then narrowed.
 *
 * @apiNote stateless and thread-safe
 */
public final class WholeNumbers {

    private WholeNumbers() {
    }

    /**
     * The exact value of {@code value} when it is a whole number: {@code Byte}, {@code Short},
     * {@code Integer}, {@code Long}, {@code BigInteger}, or a {@code BigDecimal} without a fraction
     * (the same set {@code ParameterType.INTEGER} accepts). Empty for anything else, including
     * {@code Double}/{@code Float} (a {@code 5.0} in JSON is not an integer), strings and booleans.
     */
    public static Optional<BigDecimal> exact(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Optional.of(BigDecimal.valueOf(((Number) value).longValue()));
        }
        if (value instanceof BigInteger b) {
            return Optional.of(new BigDecimal(b));
        }
        if (value instanceof BigDecimal d && (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0)) {
            return Optional.of(d);
        }
        return Optional.empty();
    }

    /**
     * {@code value} as a {@code long} in {@code [min, max]}.
     *
     * @throws OutOfRange when {@code value} is a whole number outside the range
     * @throws NotWhole   when {@code value} is not a whole number at all
     */
    public static long inRange(Object value, long min, long max) {
        BigDecimal d = exact(value).orElseThrow(() -> new NotWhole(value, min, max));
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new OutOfRange(d, min, max);
        }
        return d.longValueExact();
    }

    /** {@code min..max} written for an error message, e.g. {@code 1 to 604800}. */
    static String range(long min, long max) {
        return min + " to " + max;
    }

    /** A value that is not a whole number where one is required. */
    public static final class NotWhole extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        NotWhole(Object value, long min, long max) {
            super("must be a whole number from " + range(min, max) + ", got " + describe(value));
        }

        private static String describe(Object value) {
            if (value instanceof String s) {
                return "'" + s + "', a string (write the number without quotes)";
            }
            if (value instanceof Boolean b) {
                return b + ", a boolean";
            }
            return String.valueOf(value);
        }
    }

    /** A whole number outside its range: refused, never wrapped or clamped. */
    public static final class OutOfRange extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        OutOfRange(BigDecimal value, long min, long max) {
            super((value.compareTo(BigDecimal.valueOf(min)) < 0 ? "must be at least " + min : "must be at most " + max)
                    + " (allowed: " + range(min, max) + "), got " + value);
        }
    }
}
