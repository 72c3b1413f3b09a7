package dev.containerrunner.plugin.config;

/**
 * A configured secret whose value cannot be read now: its variable is unset or empty, its file is
 * missing, unreadable, empty or too large. The message names the secret and its source, never a
 * value.
 */
public class SecretUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String secret;

    /** {@code secret} (its name) could not be read: {@code problem} says why, naming the source. */
    public SecretUnavailableException(String secret, String problem) {
        super("secret " + secret + ": " + problem);
        this.secret = secret;
    }

    /** The name of the secret that could not be read. */
    public String secret() {
        return secret;
    }
}
