package dev.containerrunner.plugin.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A secret a request names must be configured and allowed for its image. */
class SecretsPolicyTest {

    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of(
            "allowed_images", List.of("python:3.11-slim", "registry.example.com/etl/*:*"),
            "secrets", Map.of("db", Map.of("env", "PATH"),
                    "etl_keys", Map.of("env", "PATH", "allowed_images", List.of("registry.example.com/etl/*:*")))));

    private static void check(String image, Object... kv) {
        Map<String, Object> k = new HashMap<>();
        k.put("image", image);
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        new ExecutionPolicy(CONFIG).check(RunRequest.from("run_container", k, CONFIG.requestDefaults()));
    }

    @Test
    void configuredAndAllowedSecretsPass() {
        check("python:3.11-slim", "secrets", List.of("db"), "secret_env", Map.of("PG", "db"));
        check("registry.example.com/etl/load:1", "secrets", List.of("db", "etl_keys"));
    }

    @Test
    void anUnknownSecretIsDeniedNamingItAndTheConfiguredOnes() {
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> check("python:3.11-slim",
                "secrets", List.of("db", "dbb")));
        assertEquals("secrets[1]", e.parameter());
        assertTrue(e.getMessage().contains("('dbb') is not a configured secret (configured: [db, etl_keys])"), e.getMessage());
        PolicyDeniedException env = assertThrows(PolicyDeniedException.class, () -> check("python:3.11-slim",
                "secret_env", Map.of("PG", "nope")));
        assertEquals("secret_env.PG", env.parameter());
        PolicyDeniedException none = assertThrows(PolicyDeniedException.class, () -> new ExecutionPolicy(RunnerConfig.from(
                Map.of("allowed_images", List.of("python:3.11-slim")))).check(RunRequest.from("run_container",
                Map.of("image", "python:3.11-slim", "secrets", List.of("db")), CONFIG.requestDefaults())));
        assertTrue(none.getMessage().contains("no secrets are configured"), none.getMessage());
    }

    @Test
    void aSecretNotAllowedForTheImageIsDenied() {
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> check("python:3.11-slim",
                "secret_env", Map.of("KEYS", "etl_keys")));
        assertEquals("secret_env.KEYS", e.parameter());
        assertTrue(e.getMessage().contains("('etl_keys') may not be given to image 'python:3.11-slim'"), e.getMessage());
        assertTrue(e.getMessage().contains("secrets[etl_keys].allowed_images is [registry.example.com/etl/*:*]"), e.getMessage());
    }
}
