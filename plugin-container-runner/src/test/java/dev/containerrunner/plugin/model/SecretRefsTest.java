package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidKwargsException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The kwargs secrets and secret_env: names only, checked for shape (the policy checks them against the configuration). */
class SecretRefsTest {

    private static final RequestDefaults DEFAULTS = RequestDefaults.of(Duration.ofSeconds(300), MemorySize.parse("512m"), 1.0,
            ContainerUser.NOBODY);

    private static RunRequest parse(Object... kv) {
        Map<String, Object> k = new HashMap<>();
        k.put("image", "python:3.11-slim");
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        return RunRequest.from("run_container", k, DEFAULTS);
    }

    private static InvalidKwargsException refused(Object... kv) {
        return assertThrows(InvalidKwargsException.class, () -> parse(kv));
    }

    @Test
    void noSecretsByDefault() {
        assertTrue(parse().secrets().isEmpty());
    }

    @Test
    void filesAndVariablesAreReadAndNamed() {
        SecretRefs s = parse("secrets", List.of("db_password", "api_token"), "secret_env", Map.of("PGPASSWORD", "db_password",
                "S3_KEYS", "s3_keys")).secrets();
        assertEquals(List.of("db_password", "api_token"), s.files());
        assertEquals(List.of("PGPASSWORD", "S3_KEYS"), List.copyOf(s.environment().keySet()));
        assertEquals(List.of("api_token", "db_password", "s3_keys"), s.names(), "a secret only in secret_env is used too");
    }

    @Test
    void malformedNamesAreRefusedNamingTheEntry() {
        assertEquals("secrets[1]", refused("secrets", List.of("ok", "Not-Ok")).parameter());
        assertEquals("secrets[1]", refused("secrets", List.of("a", "a")).parameter());
        assertEquals("secrets", refused("secrets", "db_password").parameter());
        assertEquals("secret_env.PG", refused("secret_env", Map.of("PG", "Bad Name")).parameter());
        assertEquals("secret_env.1X", refused("secret_env", Map.of("1X", "ok")).parameter());
        assertEquals("secret_env.PG", refused("secret_env", Map.of("PG", 5)).parameter());
    }

    @Test
    void variablesThatDecideHowTheCommandIsFoundOrLoadedCannotComeFromASecret() {
        for (String name : List.of("PATH", "HOME", "LD_PRELOAD", "LD_LIBRARY_PATH", "CONTAINER_RUNNER_SECRETS")) {
            InvalidKwargsException e = refused("secret_env", Map.of(name, "api_token"));
            assertEquals("secret_env." + name, e.parameter());
            assertTrue(e.getMessage().contains("reserved: PATH, HOME, LD_*, CONTAINER_RUNNER_*"), e.getMessage());
        }
        assertEquals(List.of("MY_PATH"), List.copyOf(parse("secret_env", Map.of("MY_PATH", "api_token")).secrets()
                .environment().keySet()));
    }

    @Test
    void aVariableComesFromEnvironmentOrSecretEnvNotBoth() {
        InvalidKwargsException e = refused("environment", Map.of("PG", "x"), "secret_env", Map.of("PG", "db"));
        assertEquals("secret_env.PG", e.parameter());
        assertTrue(e.getMessage().contains("also in environment"), e.getMessage());
    }

    @Test
    void atMostFifteenSecretsPerRun() {
        List<String> fifteen = IntStream.range(0, 15).mapToObj(i -> "s" + i).toList();
        assertEquals(15, parse("secrets", fifteen).secrets().names().size());
        InvalidKwargsException e = refused("secrets", fifteen, "secret_env", Map.of("X", "s15"));
        assertTrue(e.getMessage().contains("at most 15 secrets"), e.getMessage());
    }

    @Test
    void noRequestPathMayBeWhereTheSecretFilesAre() {
        assertEquals("writable_dirs[0]", refused("secrets", List.of("a"), "writable_dirs", List.of("/run/secrets")).parameter());
        assertEquals("working_dir", refused("secrets", List.of("a"), "working_dir", "/run/secrets/x").parameter());
        assertEquals("output_file", refused("secrets", List.of("a"), "output_file", "/run/secrets/out.txt").parameter());
        parse("secrets", List.of("a"), "writable_dirs", List.of("/run"));
        parse("secret_env", Map.of("A", "a"), "writable_dirs", List.of("/run/secrets"));
    }
}
