package dev.containerrunner.plugin.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where a configured registry password is read from, at each use (so a rotated secret is picked
 * up without a restart): an environment variable or a file. {@link #toString()} describes the
 * source, never the secret.
 */
public sealed interface PasswordSource {

    /** Reads the password now. @throws CredentialsUnavailableException when it is missing or empty */
    String read();

    /** The source as the configuration names it, e.g. {@code password_env REGISTRY_TOKEN}. */
    String describe();

    /** The password in the environment variable {@code name}. */
    record Env(String name, UnaryOperator<String> environment) implements PasswordSource {

        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        /** The variable {@code name} of this process's environment. */
        public Env(String name) {
            this(name, System::getenv);
        }

        public Env {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
            }
        }

        @Override
        public String read() {
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                throw new CredentialsUnavailableException(describe() + ": the environment variable is not set or empty");
            }
            return value;
        }

        @Override
        public String describe() {
            return "password_env " + name;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** The password in a file: its whole content, without one trailing line break. */
    record File(Path path) implements PasswordSource {

        @Override
        public String read() {
            String text;
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new CredentialsUnavailableException(describe() + ": cannot read the file ("
                        + e.getClass().getSimpleName() + ")");
            }
            String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (password.isEmpty()) {
                throw new CredentialsUnavailableException(describe() + ": the file is empty");
            }
            return password;
        }

        @Override
        public String describe() {
            return "password_file " + path;
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
