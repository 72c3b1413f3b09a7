package dev.containerrunner.engine;

import com.fasterxml.jackson.core.JsonToken;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for unquoted YAML scalars that look like numbers: a number arrives only when it is
 * written as JSON writes numbers (YAML 1.2 core integers {@code -?(0|[1-9][0-9]*)}, JSON-style
 * floats), with at most {@value #MAX_DIGITS} characters, as in JSON. Every other numeric form a
 * YAML 1.1 or 1.2 reader would turn into a number ({@code 0x10}, {@code 0o10}, {@code 0b11},
 * {@code 017}, {@code 1_000}, {@code +100}, {@code .5}, {@code 5.}, {@code .inf}, {@code .nan}) is
 * refused, saying how to write it; quoted scalars are strings and never judged. Forms that no YAML
 * reader makes a number ({@code 09}, {@code 1:30}, {@code 65534:0}) stay strings, as written.
 * Stateless and thread-safe.
 */
final class YamlNumbers {

    /** The longest number, in characters, as Jackson's JSON limit ({@code StreamReadConstraints}). */
    static final int MAX_DIGITS = 1000;

    private static final Pattern JSON_INT = Pattern.compile("-?(?:0|[1-9][0-9]*)");
    private static final Pattern JSON_FLOAT = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
    private static final Pattern BASED = Pattern.compile("([-+]?)0([xob])([0-9a-fA-F_]+)");
    private static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9_]+");
    /** Anything a YAML 1.1 or 1.2 reader takes for a decimal or based number (used for strings Jackson kept). */
    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+"
            + "|(?:\\.[0-9][0-9_]*|[0-9][0-9_]*(?:\\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?)");

    private YamlNumbers() {
    }

    /**
     * Why the plain (unquoted, untagged) scalar {@code text}, read by Jackson as {@code token}, is
     * refused; {@code null} when it arrives as written.
     *
     * @param token {@code VALUE_NUMBER_INT}, {@code VALUE_NUMBER_FLOAT} or {@code VALUE_STRING}; others are never refused
     */
    static String problem(String text, JsonToken token) {
        boolean number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        if (!number && token != JsonToken.VALUE_STRING) {
            return null;
        }
        if (!number && !NUMBER_LIKE.matcher(text).matches()) {
            return null; // a string that no YAML reader makes a number: as written
        }
        if (text.length() > MAX_DIGITS) {
            return "number " + text.substring(0, 20) + "... (" + text.length() + " characters) is too long: a number has"
                    + " at most " + MAX_DIGITS + " characters, as in JSON; quote it for a string";
        }
        if (number && (JSON_INT.matcher(text).matches() || JSON_FLOAT.matcher(text).matches())) {
            return null;
        }
        if (NON_FINITE.matcher(text).matches()) {
            return "'" + text + "' is refused: NaN and infinities are not numbers a task can use";
        }
        Matcher based = BASED.matcher(text);
        if (based.matches()) {
            return basedProblem(text, based);
        }
        if (!number) {
            return null; // e.g. 09, 1_9: strings in YAML 1.1 and 1.2 alike
        }
        String digits = text.replace("_", "");
        String value = token == JsonToken.VALUE_NUMBER_INT ? yaml11Integer(digits)
                : new BigDecimal(digits.startsWith("+") ? digits.substring(1) : digits).toString();
        String write = "write " + asJson(value) + ", or quote it for a string";
        if (LEADING_ZERO.matcher(text).matches()) {
            return "number " + text + " has a leading zero, which YAML 1.1 reads as octal (" + value + "): write it"
                    + " without the zero, or quote it for a string";
        }
        if (text.contains("_")) {
            return "number " + text + " has '_' digit separators, which YAML 1.1 drops (" + value + "): " + write;
        }
        if (text.startsWith("+")) {
            return "number " + text + " has a plus sign, which JSON numbers never have: " + write;
        }
        return "number " + text + " is not written as JSON writes numbers: " + write;
    }

    private static String basedProblem(String text, Matcher based) {
        String kind = switch (based.group(2)) {
            case "x" -> "a YAML 1.1 hexadecimal number";
            case "o" -> "a YAML 1.2 octal number";
            default -> "a YAML 1.1 binary number";
        };
        int radix = switch (based.group(2)) {
            case "x" -> 16;
            case "o" -> 8;
            default -> 2;
        };
        String digits = based.group(3).replace("_", "");
        try {
            BigInteger value = new BigInteger(digits, radix);
            if ("-".equals(based.group(1))) {
                value = value.negate();
            }
            return text + " is " + kind + " (" + value + "): write " + value + ", or quote it for a string";
        } catch (NumberFormatException e) {
            return text + " is " + kind + ": write it in decimal, or quote it for a string";
        }
    }

    /** YAML 1.1's value of a decimal integer whose underscores are gone: a leading zero means octal. */
    private static String yaml11Integer(String digits) {
        String unsigned = digits.replaceFirst("^[-+]", "");
        String sign = digits.startsWith("-") ? "-" : "";
        boolean octal = unsigned.length() > 1 && unsigned.startsWith("0") && unsigned.chars().allMatch(c -> c >= '0' && c <= '7');
        return sign + new BigInteger(unsigned, octal ? 8 : 10);
    }

    /** {@code value} as JSON writes it: {@code .5} as {@code 0.5}, {@code 5.} as {@code 5}. */
    private static String asJson(String value) {
        return value.startsWith(".") ? "0" + value : value.startsWith("-.") ? "-0" + value.substring(1) : value;
    }
}
