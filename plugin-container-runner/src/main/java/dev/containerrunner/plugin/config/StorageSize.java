package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.WholeNumbers;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes written as a Kubernetes quantity, e.g. {@code 1Gi}, {@code 500Mi},
 * {@code 2G} or {@code 1073741824}: whole digits (no sign, fraction, exponent or leading zero) and
 * an optional binary ({@code Ki Mi Gi Ti Pi Ei}) or decimal ({@code k M G T P E}) suffix. Read by
 * value: a size that does not fit in a {@code long} number of bytes is refused, never wrapped.
 *
 * @param bytes the size, at least 1
 * @param text  the quantity as written (what goes into the pod spec)
 */
public record StorageSize(long bytes, String text) implements Comparable<StorageSize> {

    /** The form, for error messages. */
    public static final String FORM = "a Kubernetes quantity of bytes: whole digits and an optional suffix Ki, Mi, Gi, Ti,"
            + " Pi, Ei (powers of 1024) or k, M, G, T, P, E (powers of 1000), e.g. '1Gi'";
    private static final Pattern QUANTITY = Pattern.compile("([1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    private static final Map<String, BigInteger> UNITS = Map.ofEntries(
            Map.entry("Ki", BigInteger.TWO.pow(10)), Map.entry("Mi", BigInteger.TWO.pow(20)),
            Map.entry("Gi", BigInteger.TWO.pow(30)), Map.entry("Ti", BigInteger.TWO.pow(40)),
            Map.entry("Pi", BigInteger.TWO.pow(50)), Map.entry("Ei", BigInteger.TWO.pow(60)),
            Map.entry("k", BigInteger.TEN.pow(3)), Map.entry("M", BigInteger.TEN.pow(6)), Map.entry("G", BigInteger.TEN.pow(9)),
            Map.entry("T", BigInteger.TEN.pow(12)), Map.entry("P", BigInteger.TEN.pow(15)), Map.entry("E", BigInteger.TEN.pow(18)));

    public StorageSize {
        if (bytes < 1) {
            throw new IllegalArgumentException("a storage size must be at least 1 byte");
        }
    }

    /**
     * Reads a parsed YAML/JSON value: a quantity string, or a whole number of bytes.
     *
     * @throws IllegalArgumentException saying the form, or the largest size when it is too large
     */
    public static StorageSize parse(Object value) {
        if (!(value instanceof String text)) {
            long bytes = WholeNumbers.inRange(value, 1, Long.MAX_VALUE);
            return new StorageSize(bytes, Long.toString(bytes));
        }
        Matcher m = QUANTITY.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORM);
        }
        BigInteger bytes = new BigInteger(m.group(1)).multiply(m.group(2) == null ? BigInteger.ONE : UNITS.get(m.group(2)));
        if (bytes.bitLength() > 63) {
            throw new IllegalArgumentException("'" + text + "' is too large: at most " + Long.MAX_VALUE + " bytes");
        }
        return new StorageSize(bytes.longValueExact(), text);
    }

    @Override
    public int compareTo(StorageSize o) {
        return Long.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return text;
    }
}
