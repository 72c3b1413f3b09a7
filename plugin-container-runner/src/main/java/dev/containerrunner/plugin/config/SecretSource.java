package dev.containerrunner.plugin.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where a configured secret's value is read from, at every use (a rotated value is used from the
 * next run on): an environment variable of the runner or a file on the runner's host.
 * {@link #describe()} names the source, never the value.
 *
 * @apiNote Immutable and thread-safe.
 */
public sealed interface SecretSource {

    /** The largest value a secret may have, in bytes. */
    int MAX_BYTES = 64 * 1024;

    /**
     * Reads the value now; the caller owns (and clears) the array.
     *
     * @param secret the secret's name, for the error
     * @throws SecretUnavailableException when it is missing, empty or larger than {@link #MAX_BYTES}
     */
    byte[] read(String secret);

    /** The source as the configuration names it, e.g. {@code env DB_PASSWORD} or {@code file /etc/runner/api-token}. */
    String describe();

    /** The value of the runner's environment variable {@code variable}, as UTF-8. */
    record Env(String variable, UnaryOperator<String> environment) implements SecretSource {

        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        /** The variable {@code variable} of this process's environment. */
        public Env(String variable) {
            this(variable, System::getenv);
        }

        public Env {
            if (!NAME.matcher(variable).matches()) {
                throw new IllegalArgumentException("'" + variable + "' is not an environment variable name");
            }
        }

        @Override
        public byte[] read(String secret) {
            String value = environment.apply(variable);
            if (value == null || value.isEmpty()) {
                throw new SecretUnavailableException(secret, describe() + ": the environment variable is not set or empty");
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_BYTES) {
                Arrays.fill(bytes, (byte) 0);
                throw new SecretUnavailableException(secret, describe() + ": the value is larger than " + MAX_BYTES + " bytes");
            }
            return bytes;
        }

        @Override
        public String describe() {
            return "env " + variable;
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** The bytes of a file, without one trailing line break ({@code \n} or {@code \r\n}), as for {@code password_file}. */
    record File(Path path) implements SecretSource {

        public File {
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("'" + path + "' is not an absolute path");
            }
        }

        @Override
        public byte[] read(String secret) {
            if (!Files.isRegularFile(path)) {
                throw new SecretUnavailableException(secret, describe() + ": " + (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                        ? "is not a regular file" : "does not exist"));
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_BYTES + 3);
            } catch (IOException | RuntimeException e) {
                throw new SecretUnavailableException(secret, describe() + ": cannot read the file (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            }
            int end = bytes.length;
            if (end > 0 && bytes[end - 1] == '\n') {
                end -= end > 1 && bytes[end - 2] == '\r' ? 2 : 1;
            }
            byte[] value = end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
            if (value != bytes) {
                Arrays.fill(bytes, (byte) 0);
            }
            if (value.length > MAX_BYTES) {
                Arrays.fill(value, (byte) 0);
                throw new SecretUnavailableException(secret, describe() + ": the file is larger than " + MAX_BYTES + " bytes");
            }
            if (value.length == 0) {
                throw new SecretUnavailableException(secret, describe() + ": the file is empty");
            }
            return value;
        }

        @Override
        public String describe() {
            return "file " + path;
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
