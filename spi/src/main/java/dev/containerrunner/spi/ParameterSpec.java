package dev.containerrunner.spi;

import java.util.Objects;

/**
 * Describes one parameter of an action, so engines can validate kwargs and list them.
 *
 * @param name         the kwarg name, a lower-case identifier
 * @param type         its JSON type
 * @param required     whether the kwarg must be given
 * @param defaultValue the value used when it is not given (null: none); required ones have none
 * @param doc          one line for humans
 */
public record ParameterSpec(String name, ParameterType type, boolean required, Object defaultValue, String doc) {

    public ParameterSpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
        if (name == null || !Identifiers.isIdentifier(name)) {
            throw new IllegalArgumentException("parameter name must match " + Identifiers.PATTERN + ": " + name);
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("required parameter '" + name + "' cannot have a default");
        }
        if (defaultValue != null && !type.accepts(defaultValue)) {
            throw new IllegalArgumentException("default of '" + name + "' is not a " + type.jsonName());
        }
    }

    public static ParameterSpec required(String name, ParameterType type, String doc) {
        return new ParameterSpec(name, type, true, null, doc);
    }

    public static ParameterSpec optional(String name, ParameterType type, Object defaultValue, String doc) {
        return new ParameterSpec(name, type, false, defaultValue, doc);
    }
}
