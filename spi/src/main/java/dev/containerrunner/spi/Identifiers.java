package dev.containerrunner.spi;

import java.util.regex.Pattern;

/** Names of publishers, apps, actions and parameters: lower-case identifiers. */
public final class Identifiers {

    /** The allowed form, as shown in error messages. */
    public static final String PATTERN = "[a-z][a-z0-9_]*";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private Identifiers() {
    }

    public static boolean isIdentifier(String s) {
        return s != null && COMPILED.matcher(s).matches();
    }
}
