package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ImagePattern;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.registry.DockerConfigFile;
import dev.containerrunner.plugin.registry.PasswordSource;
import dev.containerrunner.plugin.registry.RegistryCredentials;
import dev.containerrunner.plugin.registry.RegistryHosts;
import dev.containerrunner.plugin.registry.RegistryLogin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registry keys of the configuration: credentials bound to registry hosts, the supply-chain
 * rule and the pull bound.
 *
 * <pre>{@code
 * registries:                          # credentials, only in configuration, each bound to one registry
 *   registry.example.com: {username: ci-bot, password_env: REGISTRY_TOKEN}
 *   127.0.0.1:5443: {username: alice, password_file: /etc/runner/reg-pass}
 * docker_config: /etc/runner/docker-config.json   # optional: Docker's config.json (auths, credHelpers, credsStore)
 * require_digest: false                # true: only repo@sha256:... references run
 * pull_timeout_seconds: 600            # a pull longer than this fails with failure_reason pull_timeout
 * }</pre>
 *
 * @param credentials the {@code registries} entries and the {@code docker_config} file
 * @param requireDigest whether only digest-pinned references are admitted
 * @param pullTimeout how long one pull may take (Docker; on Kubernetes the kubelet pulls within
 *                    {@code kubernetes.start_timeout_seconds})
 */
public record RegistryConfig(RegistryCredentials credentials, boolean requireDigest, Duration pullTimeout) {

    /** The longest {@code pull_timeout_seconds}: one day. */
    static final int LONGEST_PULL_SECONDS = 24 * 3600;

    /** No credentials, any reference, pulls bounded by 600 s. */
    static RegistryConfig defaults() {
        return new RegistryConfig(RegistryCredentials.none(), false, Duration.ofSeconds(600));
    }

    /**
     * Reads the registry keys. An entry for a registry no {@code allowed_images} entry names (nor,
     * on Kubernetes, the helper image) could never be used and is refused; so is a password
     * variable or file that is missing now.
     */
    static RegistryConfig read(ConfigReader r, List<ImagePattern> allowed, Backend backend, KubernetesConfig kubernetes) {
        Set<String> usable = new TreeSet<>();
        allowed.forEach(p -> usable.add(p.registry()));
        if (backend == Backend.KUBERNETES) {
            usable.add(ImageReference.parse(kubernetes.helperImage()).domain());
        }
        Map<String, RegistryLogin> logins = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigReader> e : r.entries("registries").entrySet()) {
            String key = "registries[" + e.getKey() + "]";
            String host;
            try {
                host = RegistryHosts.normalise(e.getKey());
            } catch (IllegalArgumentException bad) {
                throw new dev.containerrunner.spi.InvalidConfigurationException(RunnerConfig.APP, key, bad.getMessage());
            }
            r.check(!logins.containsKey(host), key, "names the registry " + host + " a second time");
            r.check(usable.contains(host), key, "no allowed_images entry is in registry " + host + ", so these credentials"
                    + " could never be used (registries of allowed_images: " + usable + ")");
            logins.put(host, login(e.getValue(), host));
        }
        Optional<DockerConfigFile> dockerConfig = r.optionalString("docker_config").map(p -> {
            DockerConfigFile[] file = new DockerConfigFile[1];
            r.checked("docker_config", () -> file[0] = DockerConfigFile.check(Path.of(p)));
            return file[0];
        });
        boolean requireDigest = r.bool(List.of("require_digest"), false);
        if (requireDigest && backend == Backend.KUBERNETES) {
            r.check(ImageReference.parse(kubernetes.helperImage()).digest() != null, "kubernetes.helper_image",
                    "must be pinned by digest (repo@sha256:...) with require_digest: true; it runs in every pod that"
                            + " needs it");
        }
        r.check(backend != Backend.KUBERNETES || !r.given("pull_timeout_seconds"), "pull_timeout_seconds", "only applies"
                + " to backend: docker: on Kubernetes the kubelet pulls, within kubernetes.start_timeout_seconds; leave it out");
        int pullTimeout = r.intValue(List.of("pull_timeout_seconds"), 600, 1, LONGEST_PULL_SECONDS);
        return new RegistryConfig(new RegistryCredentials(logins, dockerConfig), requireDigest, Duration.ofSeconds(pullTimeout));
    }

    private static RegistryLogin login(ConfigReader entry, String host) {
        String user = entry.optionalString("username").orElse(null);
        entry.check(user != null, "username", "is required");
        Optional<String> env = entry.optionalString("password_env");
        Optional<String> file = entry.optionalString("password_file");
        entry.check(env.isPresent() != file.isPresent(), env.isPresent() ? "password_file" : "password_env",
                "give exactly one of password_env and password_file (the password itself never goes in the configuration)");
        PasswordSource source;
        try {
            source = env.isPresent() ? new PasswordSource.Env(env.get()) : new PasswordSource.File(Path.of(file.get()));
        } catch (IllegalArgumentException bad) {
            throw new dev.containerrunner.spi.InvalidConfigurationException(RunnerConfig.APP, entry.prefix() + "password_env",
                    bad.getMessage());
        }
        String field = env.isPresent() ? "password_env" : "password_file";
        entry.checked(field, () -> {
            try {
                source.read(); // present now; read again at every pull
            } catch (RuntimeException missing) {
                throw new IllegalArgumentException(missing.getMessage());
            }
        });
        entry.rejectUnknown();
        RegistryLogin login;
        try {
            login = new RegistryLogin(host, user, source);
        } catch (IllegalArgumentException bad) {
            throw new dev.containerrunner.spi.InvalidConfigurationException(RunnerConfig.APP, entry.prefix() + "username",
                    bad.getMessage());
        }
        return login;
    }
}
