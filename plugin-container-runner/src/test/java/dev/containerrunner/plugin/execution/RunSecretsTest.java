package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.config.SecretUnavailableException;
import dev.containerrunner.plugin.model.SecretRefs;
import dev.containerrunner.spi.ActionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's secret values: read fresh, delivered by form, redacted, cleared. */
class RunSecretsTest {

    @TempDir
    Path dir;

    private RunnerConfig config() throws IOException {
        Files.writeString(dir.resolve("db"), "db-password-value\n");
        Files.write(dir.resolve("bin"), new byte[] {1, 0, 2, 3, 4});
        return RunnerConfig.from(Map.of("allowed_images", List.of("python:3.11-slim"), "secrets", Map.of(
                "db", Map.of("file", dir.resolve("db").toString()),
                "bin", Map.of("file", dir.resolve("bin").toString()))));
    }

    @Test
    void valuesAreDeliveredAsFilesAndVariablesAndClearedAtClose() throws IOException {
        RunSecrets s = RunSecrets.read(config().secrets(), new SecretRefs(List.of("bin"), Map.of("PG", "db")));
        assertEquals(List.of("bin"), List.copyOf(s.files().keySet()));
        assertArrayEquals("db-password-value".getBytes(StandardCharsets.UTF_8), s.environment().get("PG"));
        assertEquals("bin,db", s.labelValue());
        assertEquals(List.of("bin", "db"), RunSecrets.namesIn(Map.of(Labels.SECRETS, s.labelValue())));
        assertEquals(List.of(), RunSecrets.namesIn(Map.of()));
        assertEquals("x *** y", s.redactor().redact("x db-password-value y"));
        byte[] value = s.environment().get("PG");
        s.close();
        assertArrayEquals(new byte[value.length], value, "overwritten");
        assertEquals("x db-password-value y", s.redactor().redact("x db-password-value y"), "the redactor forgot it too");
        s.close();
    }

    @Test
    void aValueWithANulByteCannotBeAVariable() throws IOException {
        SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> RunSecrets.read(config().secrets(),
                new SecretRefs(List.of(), Map.of("B", "bin"))));
        assertTrue(e.getMessage().contains("secret_env.B"), e.getMessage());
    }

    @Test
    void aSecretThatIsGoneFailsNamingIt() throws IOException {
        RunnerConfig c = config();
        Files.delete(dir.resolve("db"));
        SecretUnavailableException e = assertThrows(SecretUnavailableException.class, () -> RunSecrets.read(c.secrets(),
                new SecretRefs(List.of("bin", "db"), Map.of())));
        assertEquals("db", e.secret());
        SecretUnavailableException unknown = assertThrows(SecretUnavailableException.class, () -> RunSecrets.read(c.secrets(),
                new SecretRefs(List.of("zz"), Map.of())));
        assertTrue(unknown.getMessage().contains("secret zz: is not configured"), unknown.getMessage());
    }

    @Test
    void noSecretsIsNothing() {
        RunSecrets none = RunSecrets.read(RunnerConfig.defaults().secrets(), SecretRefs.none());
        assertSame(RunSecrets.none(), none);
        assertTrue(none.isEmpty());
        ActionContext ctx = new TestContext("x");
        assertSame(ctx, none.redacting(ctx));
        none.close();
        assertTrue(Redactor.none().stream().accept(new byte[] {1}).length == 1, "closing none() breaks nothing");
    }

    @Test
    void logLinesAndExceptionsAreRedacted() throws IOException {
        try (RunSecrets s = RunSecrets.read(config().secrets(), new SecretRefs(List.of("db"), Map.of()))) {
            TestContext ctx = new TestContext("log");
            s.redacting(ctx).log().line(dev.containerrunner.spi.LogSink.Stream.SYSTEM, "engine said db-password-value");
            assertEquals(List.of("SYSTEM engine said ***"), ctx.lines);
            RuntimeException plain = new IllegalStateException("nothing secret");
            assertSame(plain, s.scrub(plain));
            RuntimeException leaky = new IllegalStateException("outer", new RuntimeException("inner db-password-value"));
            RuntimeException scrubbed = s.scrub(leaky);
            assertFalse(scrubbed.getMessage().contains("db-password-value"));
            assertEquals(null, scrubbed.getCause());
            RuntimeException lost = new ContainerEngineException("attach", "stream reset after db-password-value", null,
                    FailureReason.ENGINE_LOST);
            assertEquals(java.util.Optional.of(FailureReason.ENGINE_LOST), FailureReason.of(s.scrub(lost)),
                    "the scrubbed failure keeps its class (a retryable reason stays retryable)");
            assertEquals(s.redacting(ctx).attempt(), ctx.attempt(), "the redacting context keeps the attempt number");
        }
    }
}
