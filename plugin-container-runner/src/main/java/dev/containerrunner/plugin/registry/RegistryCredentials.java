package dev.containerrunner.plugin.registry;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configured registry credentials: the {@code registries} entries, then the {@code docker_config}
 * file, each bound to one registry host. Nothing else counts: neither the process's own
 * {@code ~/.docker/config.json} nor anything a request says. Secrets are read at each
 * {@link #resolve} (never cached), so a rotated password is used from the next pull on.
 *
 * @apiNote Immutable and thread-safe.
 */
public final class RegistryCredentials {

    private static final RegistryCredentials NONE = new RegistryCredentials(Map.of(), Optional.empty());

    private final Map<String, RegistryLogin> logins;
    private final Optional<DockerConfigFile> dockerConfig;

    /** {@code logins} by normalised host; {@code dockerConfig} when configured. */
    public RegistryCredentials(Map<String, RegistryLogin> logins, Optional<DockerConfigFile> dockerConfig) {
        this.logins = Map.copyOf(new TreeMap<>(logins));
        this.dockerConfig = dockerConfig;
    }

    /** No credentials: every pull is anonymous. */
    public static RegistryCredentials none() {
        return NONE;
    }

    /** The {@code registries} entries by host. */
    public Map<String, RegistryLogin> logins() {
        return logins;
    }

    /** The {@code docker_config} file, when configured. */
    public Optional<DockerConfigFile> dockerConfig() {
        return dockerConfig;
    }

    /**
     * Where the credentials for {@code host} (normalised) come from, e.g.
     * {@code registries[registry.example.com] password_env REGISTRY_TOKEN}; empty when the pull
     * is anonymous. Reads no secret.
     *
     * @throws CredentialsUnavailableException when the docker_config file cannot be read
     */
    public Optional<String> sourceFor(String host) {
        RegistryLogin login = logins.get(host);
        if (login != null) {
            return Optional.of(login.source());
        }
        return dockerConfig.flatMap(f -> f.sourceFor(host));
    }

    /**
     * The credentials for {@code host} (normalised), read now; empty when the pull is anonymous.
     *
     * @throws CredentialsUnavailableException when configured credentials cannot be read
     */
    public Optional<Credential> resolve(String host) {
        RegistryLogin login = logins.get(host);
        if (login != null) {
            return Optional.of(login.read());
        }
        return dockerConfig.flatMap(f -> f.lookup(host));
    }

    @Override
    public String toString() {
        return "RegistryCredentials[registries=" + logins.keySet() + ", docker_config="
                + dockerConfig.map(f -> f.path().toString()).orElse("none") + "]";
    }
}
