package dev.containerrunner.plugin.registry;

/**
 * Configured registry credentials could not be read (a variable unset, a file gone, a credential
 * helper failing). The message names the source, never a secret.
 */
public class CredentialsUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the source and what is wrong with it, never a secret */
    public CredentialsUnavailableException(String message) {
        super(message);
    }
}
