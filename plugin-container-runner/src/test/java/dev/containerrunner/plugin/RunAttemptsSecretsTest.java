package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.RecordingSink;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/** A run attempt with secrets: values read fresh and handed over, never in the error, exceptions, log or audit line. */
class RunAttemptsSecretsTest {

    private static final String IMAGE = "container-runner-test/busybox:1.35-debian";
    private static final String VALUE = "api-token-value-99";

    @TempDir
    Path dir;
    private RunnerConfig config;
    private final ContainerBackend backend = mock(ContainerBackend.class);
    private final TestContext ctx = new TestContext("t1");
    private final RecordingSink sink = new RecordingSink(0, false);

    @BeforeEach
    void configure() throws IOException {
        Files.writeString(dir.resolve("token"), VALUE);
        config = RunnerConfig.from(Map.of("allowed_images", List.of("container-runner-test/*:*"),
                "secrets", Map.of("api_token", Map.of("file", dir.resolve("token").toString()))));
    }

    private Map<String, Object> run() {
        AuditLog log = new AuditLog(Optional.of(sink), false);
        return new RunAttempts(() -> config, () -> backend, () -> log).run("run_container",
                Map.of("image", IMAGE, "secrets", List.of("api_token")), ctx);
    }

    @Test
    void theBackendGetsTheValuesAndTheErrorIsRedacted() throws IOException {
        ArgumentCaptor<RunSecrets> secrets = ArgumentCaptor.forClass(RunSecrets.class);
        when(backend.run(any(), secrets.capture(), any())).thenAnswer(i -> {
            RunSecrets s = i.getArgument(1);
            assertEquals(VALUE, new String(s.files().get("api_token")));
            return RunResult.builder("c1", false).image(IMAGE, "sha256:1").verdict(new RunVerdict(false, false, false, 1L, null,
                    null), "output_file /out/" + VALUE + " is a link").build();
        });
        Map<String, Object> r = run();
        assertEquals("output_file /out/*** is a link", r.get("error"));
        assertEquals(List.of("error"), r.get("redacted"));
        assertFalse(String.join("", sink.lines).contains(VALUE), "the audit reason is redacted too");
        Map<?, ?> line = new ObjectMapper().readValue(sink.lines.get(0), Map.class);
        assertEquals(List.of("api_token"), line.get("secret_names"));
        assertTrue(secrets.getValue().values().get("api_token")[0] == 0, "the values are cleared after the run");
    }

    @Test
    void anExceptionHoldingAValueIsScrubbed() {
        when(backend.run(any(), any(), any())).thenThrow(new ContainerEngineException("start container", "exec " + VALUE, null));
        ContainerEngineException e = assertThrows(ContainerEngineException.class, this::run);
        assertFalse(e.getMessage().contains(VALUE), e.getMessage());
        assertFalse(String.join("\n", ctx.lines).contains(VALUE), String.valueOf(ctx.lines));
        assertFalse(String.join("", sink.lines).contains(VALUE));
    }

    @Test
    void aSecretThatCannotBeReadNowFailsTheAttemptBeforeAnythingIsCreated() throws IOException {
        Files.delete(dir.resolve("token"));
        ActionFailedException e = assertThrows(ActionFailedException.class, this::run);
        assertEquals("run_container: not run, nothing was created: secret api_token: file " + dir.resolve("token")
                + ": does not exist", e.getMessage());
        verify(backend, never()).run(any(), any(), any());
        assertTrue(sink.lines.get(0).contains("\"outcome\":\"error\""), sink.lines.get(0));
    }
}
