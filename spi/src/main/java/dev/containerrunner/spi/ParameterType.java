package dev.containerrunner.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** JSON types of action parameters. */
public enum ParameterType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    LIST("list"),
    MAP("map"),
    ANY("any");

    private final String jsonName;

    ParameterType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The lower-case name shown to users, e.g. {@code list}. */
    public String jsonName() {
        return jsonName;
    }

    /** The name with its indefinite article, e.g. {@code a list}, {@code an integer}. */
    public String withArticle() {
        return ("aeiou".indexOf(jsonName.charAt(0)) >= 0 ? "an " : "a ") + jsonName;
    }

    /** Whether {@code value} (never null) has this type. An integral number is also a NUMBER. */
    public boolean accepts(Object value) {
        return switch (this) {
            case STRING -> value instanceof String;
            case INTEGER -> isIntegral(value);
            case NUMBER -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case LIST -> value instanceof List<?>;
            case MAP -> value instanceof Map<?, ?>;
            case ANY -> true;
        };
    }

    private static boolean isIntegral(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            return true;
        }
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().scale() <= 0;
        }
        return false;
    }

    /** The user-facing name of a value's JSON type, for error messages. */
    public static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        for (ParameterType t : List.of(STRING, INTEGER, NUMBER, BOOLEAN, LIST, MAP)) {
            if (t.accepts(value)) {
                return t.jsonName;
            }
        }
        return value.getClass().getSimpleName();
    }
}
