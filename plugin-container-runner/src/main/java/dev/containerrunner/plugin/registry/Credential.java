package dev.containerrunner.plugin.registry;

import java.util.Objects;

/**
 * Credentials for one registry, read for one use. {@link #toString()} never shows the secret.
 *
 * @param registry      the normalised registry host they belong to
 * @param username      the user name (empty with an identity token)
 * @param secret        the password or token
 * @param identityToken whether {@code secret} is an OAuth identity token (from a credential helper)
 *                      rather than a password
 * @param source        where they came from, e.g. {@code registries[registry.example.com] password_env TOKEN}
 */
public record Credential(String registry, String username, String secret, boolean identityToken, String source) {

    public Credential {
        Objects.requireNonNull(registry);
        Objects.requireNonNull(username);
        Objects.requireNonNull(secret);
        Objects.requireNonNull(source);
    }

    @Override
    public String toString() {
        return "Credential[registry=" + registry + ", username=" + username + ", source=" + source + "]";
    }
}
