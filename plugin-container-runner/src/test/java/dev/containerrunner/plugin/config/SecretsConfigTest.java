package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets key: names, sources (checked at start-up), per-secret allowed_images, refusals naming the entry. */
class SecretsConfigTest {

    private static final String SET_VARIABLE = "PATH"; // set in every test JVM
    private static final String UNSET_VARIABLE = "CONTAINER_RUNNER_TEST_UNSET_" + System.nanoTime();

    @TempDir
    Path dir;
    private Path token;

    @BeforeEach
    void files() throws IOException {
        token = Files.writeString(dir.resolve("api-token"), "tok-value-1234\n");
    }

    private static RunnerConfig config(Map<String, Object> secrets) {
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of("registry.example.com/etl/*:*", "python:3.11-slim"));
        c.put("secrets", secrets);
        return RunnerConfig.from(c);
    }

    private static InvalidConfigurationException refused(Map<String, Object> secrets) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> config(secrets));
        assertFalse(e.getMessage().contains("tok-value-1234"), e.getMessage());
        return e;
    }

    @Test
    void noSecretsByDefault() {
        assertTrue(RunnerConfig.defaults().secrets().byName().isEmpty());
    }

    @Test
    void entriesAreReadWithTheirSourcesAndImages() {
        RunnerConfig c = config(Map.of(
                "db_password", Map.of("env", SET_VARIABLE),
                "api_token", Map.of("file", token.toString()),
                "s3_keys", Map.of("file", token.toString(), "allowed_images", List.of("registry.example.com/etl/*:*"))));
        assertEquals(List.of("api_token", "db_password", "s3_keys"), c.secrets().names());
        SecretDefinition api = c.secrets().get("api_token").orElseThrow();
        assertEquals("file " + token, api.source().describe());
        assertArrayEquals("tok-value-1234".getBytes(StandardCharsets.UTF_8), api.source().read("api_token"),
                "one trailing line break is dropped");
        assertEquals("env " + SET_VARIABLE, c.secrets().get("db_password").orElseThrow().source().toString());
        assertTrue(api.allows(ImageReference.parse("python:3.11-slim")), "no allowed_images: every allowed image");
        SecretDefinition s3 = c.secrets().get("s3_keys").orElseThrow();
        assertTrue(s3.allows(ImageReference.parse("registry.example.com/etl/load:2")));
        assertFalse(s3.allows(ImageReference.parse("python:3.11-slim")));
    }

    @Test
    void namesMustBeLowerCaseWordsOfAtMost63() {
        assertEquals("secrets[Db-Pass]", refused(Map.of("Db-Pass", Map.of("env", SET_VARIABLE))).key());
        assertEquals("secrets[" + "a".repeat(64) + "]", refused(Map.of("a".repeat(64), Map.of("env", SET_VARIABLE))).key());
        config(Map.of("a".repeat(63), Map.of("env", SET_VARIABLE)));
    }

    @Test
    void exactlyOneSourceAndNoValueInTheConfiguration() {
        assertEquals("secrets[x].env", refused(Map.of("x", Map.of())).key());
        assertEquals("secrets[x].file", refused(Map.of("x", Map.of("env", SET_VARIABLE, "file", token.toString()))).key());
        InvalidConfigurationException value = refused(Map.of("x", Map.of("env", SET_VARIABLE, "value", "tok-value-1234")));
        assertEquals("secrets[x].value", value.key());
        assertEquals("secrets[x]", refused(Map.of("x", "tok-value-1234")).key());
        assertTrue(config(Map.of()).secrets().byName().isEmpty(), "an empty map is no secret");
    }

    @Test
    void aSourceThatCannotBeReadAtStartUpIsRefusedNamingIt() throws IOException {
        InvalidConfigurationException unset = refused(Map.of("db", Map.of("env", UNSET_VARIABLE)));
        assertEquals("secrets[db].env", unset.key());
        assertTrue(unset.getMessage().contains("secret db: env " + UNSET_VARIABLE + ": the environment variable is not set or empty"),
                unset.getMessage());
        InvalidConfigurationException missing = refused(Map.of("api", Map.of("file", dir.resolve("nope").toString())));
        assertEquals("secrets[api].file", missing.key());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Files.writeString(dir.resolve("empty"), "\n");
        assertTrue(refused(Map.of("e", Map.of("file", dir.resolve("empty").toString()))).getMessage().contains("is empty"));
        Files.write(dir.resolve("big"), new byte[SecretSource.MAX_BYTES + 1]);
        assertTrue(refused(Map.of("b", Map.of("file", dir.resolve("big").toString()))).getMessage()
                .contains("larger than 65536 bytes"));
        assertTrue(refused(Map.of("d", Map.of("file", dir.toString()))).getMessage().contains("is not a regular file"));
        assertEquals("secrets[r].file", refused(Map.of("r", Map.of("file", "relative/path"))).key());
        assertEquals("secrets[v].env", refused(Map.of("v", Map.of("env", "NOT-A-NAME"))).key());
    }

    @Test
    void aBadAllowedImagesEntryIsRefused() {
        InvalidConfigurationException e = refused(Map.of("x", Map.of("env", SET_VARIABLE, "allowed_images", List.of("Bad Image"))));
        assertEquals("secrets[x].allowed_images", e.key());
    }

    @Test
    void aValueOfExactlyTheLimitIsAccepted() throws IOException {
        Files.write(dir.resolve("limit"), new byte[SecretSource.MAX_BYTES]);
        config(Map.of("limit", Map.of("file", dir.resolve("limit").toString())));
    }

    @Test
    void sourcesAreReadAtEachUseSoARotatedValueIsSeen() throws IOException {
        RunnerConfig c = config(Map.of("api_token", Map.of("file", token.toString())));
        Files.writeString(token, "rotated-5678\r\n");
        assertArrayEquals("rotated-5678".getBytes(StandardCharsets.UTF_8),
                c.secrets().get("api_token").orElseThrow().source().read("api_token"));
        Files.delete(token);
        SecretUnavailableException gone = assertThrows(SecretUnavailableException.class,
                () -> c.secrets().get("api_token").orElseThrow().source().read("api_token"));
        assertEquals("api_token", gone.secret());
        assertEquals("secret api_token: file " + token + ": does not exist", gone.getMessage());
    }
}
