package dev.containerrunner.plugin.registry;

import java.util.Objects;

/**
 * One entry of the {@code registries} configuration: the user name and where the password is for
 * the registry {@code host} (normalised, see {@link RegistryHosts}).
 */
public record RegistryLogin(String host, String username, PasswordSource password) {

    public RegistryLogin {
        Objects.requireNonNull(host);
        Objects.requireNonNull(password);
        if (username == null || username.isEmpty() || username.contains(":")
                || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("must be a non-empty user name without ':' or control characters");
        }
    }

    /** Where these credentials come from, e.g. {@code registries[registry.example.com] password_env TOKEN}. */
    public String source() {
        return "registries[" + host + "] " + password.describe();
    }

    /** The credentials with the password read now. @throws CredentialsUnavailableException when it cannot be read */
    public Credential read() {
        try {
            return new Credential(host, username, password.read(), false, source());
        } catch (CredentialsUnavailableException e) {
            throw new CredentialsUnavailableException("registries[" + host + "] " + e.getMessage());
        }
    }
}
