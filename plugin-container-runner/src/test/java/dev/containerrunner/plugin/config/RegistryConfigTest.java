package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry keys: registries, docker_config, require_digest, pull_timeout_seconds, kubernetes.image_pull_secrets. */
class RegistryConfigTest {

    private static final String SET_VARIABLE = "PATH"; // set in every test JVM
    private static final String UNSET_VARIABLE = "CONTAINER_RUNNER_TEST_UNSET_" + System.nanoTime();

    @TempDir
    Path dir;
    private Path passwordFile;

    @BeforeEach
    void password() throws IOException {
        passwordFile = dir.resolve("reg-pass");
        Files.writeString(passwordFile, "secret-value\n");
    }

    private static Map<String, Object> with(Object... kv) {
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of("registry.example.com/tools/*:*", "127.0.0.1:5443/test/busybox:1.35", "python:3.11-slim"));
        for (int i = 0; i < kv.length; i += 2) {
            c.put((String) kv[i], kv[i + 1]);
        }
        return c;
    }

    private static String refused(Map<String, Object> config) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(config));
        assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theDefaultsPullAnonymouslyWithinTenMinutes() {
        RunnerConfig c = RunnerConfig.defaults();
        assertTrue(c.registry().credentials().logins().isEmpty());
        assertEquals(Optional.empty(), c.registry().credentials().dockerConfig());
        assertFalse(c.registry().requireDigest());
        assertEquals(600, c.registry().pullTimeout().toSeconds());
        assertEquals(List.of(), c.kubernetes().imagePullSecrets());
    }

    @Test
    void registriesAreBoundToNormalisedHostsAndNameTheirSource() {
        RunnerConfig c = RunnerConfig.from(with("registries", Map.of(
                "Registry.Example.com", Map.of("username", "ci-bot", "password_env", SET_VARIABLE),
                "127.0.0.1:5443", Map.of("username", "alice", "password_file", passwordFile.toString()),
                "index.docker.io", Map.of("username", "hub", "password_file", passwordFile.toString())),
                "pull_timeout_seconds", 120, "require_digest", true));
        var creds = c.registry().credentials();
        assertEquals(List.of("127.0.0.1:5443", "docker.io", "registry.example.com"), List.copyOf(new java.util.TreeSet<>(
                creds.logins().keySet())));
        assertEquals(Optional.of("registries[registry.example.com] password_env PATH"), creds.sourceFor("registry.example.com"));
        assertEquals("secret-value", creds.resolve("127.0.0.1:5443").orElseThrow().secret());
        assertEquals(Optional.empty(), creds.sourceFor("localhost:5443"), "localhost is not 127.0.0.1");
        assertEquals(120, c.registry().pullTimeout().toSeconds());
        assertTrue(c.registry().requireDigest());
    }

    @Test
    void aMissingVariableOrFileRefusesTheConfigurationAtStart() {
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("username", "ci",
                "password_env", UNSET_VARIABLE)))).contains("registries[registry.example.com].password_env"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("username", "ci",
                "password_file", dir.resolve("nope").toString())))).contains("registries[registry.example.com].password_file"));
    }

    @Test
    void anEntryNoAllowedImageCanUseIsRefused() {
        String msg = refused(with("registries", Map.of("elsewhere.example.com", Map.of("username", "ci",
                "password_file", passwordFile.toString()))));
        assertTrue(msg.contains("registries[elsewhere.example.com]") && msg.contains("could never be used"), msg);
        assertTrue(msg.contains("127.0.0.1:5443, docker.io, registry.example.com"), msg);
        // on Kubernetes the helper image's registry counts too
        Map<String, Object> k8s = with("backend", "kubernetes", "kubernetes", Map.of("helper_image", "helpers.example/busybox:1"),
                "registries", Map.of("helpers.example", Map.of("username", "ci", "password_file", passwordFile.toString())));
        assertEquals(1, RunnerConfig.from(k8s).registry().credentials().logins().size());
    }

    @Test
    void malformedEntriesAreRefusedNamingTheKey() {
        String file = passwordFile.toString();
        assertTrue(refused(with("registries", Map.of("https://registry.example.com", Map.of("username", "ci",
                "password_file", file)))).contains("registries[https://registry.example.com]"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("password_file", file))))
                .contains("registries[registry.example.com].username"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("username", "a:b", "password_file", file))))
                .contains("registries[registry.example.com].username"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("username", "ci"))))
                .contains("exactly one of password_env and password_file"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("username", "ci", "password_file", file,
                "password_env", SET_VARIABLE)))).contains("exactly one of password_env and password_file"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", Map.of("username", "ci", "password", "x"))))
                .contains("registries[registry.example.com].password"), "a password in the configuration is refused");
        assertTrue(refused(with("registries", Map.of("docker.io", Map.of("username", "a", "password_file", file),
                "index.docker.io", Map.of("username", "b", "password_file", file)))).contains("a second time"));
        assertTrue(refused(with("registries", List.of("registry.example.com"))).contains("registries"));
        assertTrue(refused(with("registries", Map.of("registry.example.com", "ci:pass"))).contains("registries[registry.example.com]"));
    }

    @Test
    void dockerConfigMustBeAReadableConfigFile() throws IOException {
        Path ok = dir.resolve("config.json");
        Files.writeString(ok, "{\"auths\": {\"registry.example.com\": {\"auth\": \"Y2k6c2VjcmV0LXZhbHVl\"}}}");
        assertEquals(Optional.of("docker_config " + ok + " auths[registry.example.com]"),
                RunnerConfig.from(with("docker_config", ok.toString())).registry().credentials().sourceFor("registry.example.com"));
        assertTrue(refused(with("docker_config", dir.resolve("missing.json").toString())).contains("docker_config"));
        Path helper = dir.resolve("helper.json");
        Files.writeString(helper, "{\"credHelpers\": {\"registry.example.com\": \"no-such-helper-here\"}}");
        assertTrue(refused(with("docker_config", helper.toString())).contains("not on the PATH"));
    }

    @Test
    void pullTimeoutAndRequireDigestAreReadByValue() {
        for (Object bad : List.of(0, 86401, "600", 60.5, true)) {
            assertTrue(refused(with("pull_timeout_seconds", bad)).contains("pull_timeout_seconds"), String.valueOf(bad));
        }
        assertEquals(86400, RunnerConfig.from(with("pull_timeout_seconds", 86400)).registry().pullTimeout().toSeconds());
        assertTrue(refused(with("require_digest", "true")).contains("require_digest"));
        String helper = refused(with("require_digest", true, "backend", "kubernetes"));
        assertTrue(helper.contains("kubernetes.helper_image") && helper.contains("pinned by digest"), helper);
        String pinned = "busybox@sha256:" + "a".repeat(64);
        assertTrue(RunnerConfig.from(with("require_digest", true, "backend", "kubernetes", "kubernetes",
                Map.of("helper_image", pinned))).registry().requireDigest());
    }

    @Test
    void imagePullSecretsAreSecretNames() {
        RunnerConfig c = RunnerConfig.from(with("backend", "kubernetes", "kubernetes", Map.of("image_pull_secrets",
                List.of("regcred", "team.pull-1"))));
        assertEquals(List.of("regcred", "team.pull-1"), c.kubernetes().imagePullSecrets());
        assertTrue(refused(with("backend", "kubernetes", "kubernetes", Map.of("image_pull_secrets", List.of("Reg_Cred"))))
                .contains("kubernetes.image_pull_secrets"));
        assertTrue(refused(with("backend", "kubernetes", "kubernetes", Map.of("image_pull_secrets", "regcred")))
                .contains("kubernetes.image_pull_secrets"));
    }
}
