package dev.containerrunner.spi;

/**
 * A workflow function string {@code apps.<publisher>.<app>.<action>}, e.g.
 * {@code apps.platform.container_runner.run_with_input}.
 */
public record FunctionName(String publisher, String app, String action) {

    public static final String FORM = "apps.<publisher>.<app>.<action>";

    public FunctionName {
        for (String part : new String[] {publisher, app, action}) {
            if (!Identifiers.isIdentifier(part)) {
                throw new IllegalArgumentException("function name segment '" + part + "' must match " + Identifiers.PATTERN);
            }
        }
    }

    /** Parses a function string; throws {@link IllegalArgumentException} saying the expected form. */
    public static FunctionName parse(String function) {
        if (function == null) {
            throw new IllegalArgumentException("function is missing; expected " + FORM);
        }
        String[] parts = function.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("apps")) {
            throw new IllegalArgumentException("function '" + function + "' is not of the form " + FORM);
        }
        try {
            return new FunctionName(parts[1], parts[2], parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("function '" + function + "': " + e.getMessage(), e);
        }
    }

    public String appId() {
        return publisher + "." + app;
    }

    @Override
    public String toString() {
        return "apps." + publisher + "." + app + "." + action;
    }
}
