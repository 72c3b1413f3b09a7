package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ImagePattern;
import dev.containerrunner.plugin.model.SecretRefs;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code secrets} key: values for tasks, defined in configuration only and referred to by name
 * in kwargs ({@code secrets}, {@code secret_env}).
 *
 * <pre>{@code
 * secrets:
 *   db_password: {env: DB_PASSWORD}                   # the runner's environment variable
 *   api_token:   {file: /etc/runner/api-token}        # a file on the runner's host (one trailing line break dropped)
 *   s3_keys:     {file: /etc/runner/s3.json, allowed_images: ["registry.example.com/etl/*:*"]}
 * }</pre>
 *
 * <p>Names are {@value SecretRefs#NAME_RULE}. Every source must be readable when the configuration
 * is read (so a missing one is an error at start-up, exit 2), and is read again for every run
 * that uses it (nothing is cached across runs).
 *
 * @apiNote Immutable and thread-safe.
 */
public record SecretsConfig(Map<String, SecretDefinition> byName) {

    public SecretsConfig {
        byName = Map.copyOf(byName);
    }

    /** No secrets. */
    public static SecretsConfig none() {
        return new SecretsConfig(Map.of());
    }

    /** The secret called {@code name}, if configured. */
    public Optional<SecretDefinition> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The configured names, sorted. */
    public List<String> names() {
        return List.copyOf(new TreeMap<>(byName).keySet());
    }

    /**
     * Reads {@code secrets} and reads each source once (then clears what was read).
     *
     * @throws InvalidConfigurationException naming the entry: a bad name, not exactly one of
     *         {@code env}/{@code file}, a bad {@code allowed_images} entry, an unknown key, or a
     *         source that cannot be read now
     */
    static SecretsConfig read(ConfigReader r) {
        Map<String, SecretDefinition> out = new TreeMap<>();
        for (Map.Entry<String, ConfigReader> e : r.entries("secrets").entrySet()) {
            String name = e.getKey();
            ConfigReader entry = e.getValue();
            String key = "secrets[" + name + "]";
            r.check(SecretRefs.NAME.matcher(name).matches(), key, "is not a valid secret name: names are "
                    + SecretRefs.NAME_RULE);
            Optional<String> env = entry.optionalString("env");
            Optional<String> file = entry.optionalString("file");
            entry.check(env.isPresent() != file.isPresent(), env.isPresent() ? "file" : "env",
                    "give exactly one of env (a variable of the runner) and file (an absolute path on the runner's host);"
                            + " the value itself never goes in the configuration");
            SecretSource source = source(entry, env, file);
            List<ImagePattern> images = new ArrayList<>();
            for (String pattern : entry.stringList("allowed_images")) {
                try {
                    images.add(ImagePattern.parse(pattern));
                } catch (IllegalArgumentException bad) {
                    throw new InvalidConfigurationException(RunnerConfig.APP, entry.prefix() + "allowed_images",
                            "has a bad entry: " + bad.getMessage());
                }
            }
            entry.rejectUnknown();
            entry.checked(env.isPresent() ? "env" : "file", () -> {
                try {
                    Arrays.fill(source.read(name), (byte) 0); // readable now; read again at every run
                } catch (SecretUnavailableException missing) {
                    throw new IllegalArgumentException(missing.getMessage());
                }
            });
            out.put(name, new SecretDefinition(name, source, images));
        }
        return new SecretsConfig(out);
    }

    private static SecretSource source(ConfigReader entry, Optional<String> env, Optional<String> file) {
        try {
            return env.isPresent() ? new SecretSource.Env(env.get()) : new SecretSource.File(Path.of(file.get()));
        } catch (IllegalArgumentException bad) { // InvalidPathException included
            throw new InvalidConfigurationException(RunnerConfig.APP, entry.prefix() + (env.isPresent() ? "env" : "file"),
                    bad.getMessage());
        }
    }
}
