package dev.containerrunner.spi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One action: its explicit name, its parameters and its handler.
 *
 * @param name        the action segment of function names, e.g. {@code run_container}
 * @param description one line for humans
 * @param parameters  every accepted kwarg; anything else is rejected
 * @param handler     the code that runs
 * @param validator   deeper checks of kwargs (ranges, formats) that an engine can run before
 *                    anything starts, e.g. in a {@code validate} command; throws
 *                    {@link InvalidKwargsException}. Receives kwargs after {@link KwargsValidator}.
 *                    The handler must still check what it receives: engines skip the validator
 *                    for kwargs that are only known at run time (references).
 */
public record ActionDefinition(String name, String description, List<ParameterSpec> parameters, ActionHandler handler,
                               KwargsCheck validator) {

    /** A deep check of kwargs that throws {@link InvalidKwargsException} when they are not acceptable. */
    @FunctionalInterface
    public interface KwargsCheck {
        void check(Map<String, Object> kwargs);
    }

    public ActionDefinition {
        if (!Identifiers.isIdentifier(name)) {
            throw new IllegalArgumentException("action name must match " + Identifiers.PATTERN + ": " + name);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(handler, "handler");
        validator = validator == null ? kwargs -> { } : validator;
        parameters = List.copyOf(parameters);
        Set<String> seen = new HashSet<>();
        for (ParameterSpec p : parameters) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("action '" + name + "' declares parameter '" + p.name() + "' twice");
            }
        }
    }

    public Optional<ParameterSpec> parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Fluent construction of an {@link ActionDefinition}. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private final List<ParameterSpec> parameters = new ArrayList<>();
        private ActionHandler handler;
        private KwargsCheck validator;

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String text) {
            this.description = text;
            return this;
        }

        public Builder parameters(List<ParameterSpec> specs) {
            parameters.addAll(specs);
            return this;
        }

        public Builder parameter(ParameterSpec spec) {
            parameters.add(spec);
            return this;
        }

        public Builder handler(ActionHandler h) {
            this.handler = h;
            return this;
        }

        public Builder validator(KwargsCheck check) {
            this.validator = check;
            return this;
        }

        public ActionDefinition build() {
            return new ActionDefinition(name, description, parameters, handler, validator);
        }
    }
}
