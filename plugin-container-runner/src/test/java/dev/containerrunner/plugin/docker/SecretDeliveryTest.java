package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.github.dockerjava.api.model.HostConfig;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.execution.StreamKind;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.RunRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/** A Docker run with secrets, around a mocked engine: what the engine is given (and not given), and what comes back. */
class SecretDeliveryTest {

    private static final String VALUE = "db-password-value-77";
    private final DockerGateway gateway = mock(DockerGateway.class);
    private final DockerGateway.Attachment attachment = mock(DockerGateway.Attachment.class);
    private final TestContext ctx = new TestContext("t1");
    @TempDir
    Path dir;
    private RunnerConfig config;
    private byte[] stdinAtAttach;

    @BeforeEach
    void engine() throws IOException {
        Files.writeString(dir.resolve("db"), VALUE);
        config = RunnerConfig.from(Map.of("allowed_images", List.of("python:3.11-slim"), "collect_retention_seconds", 0,
                "engine_logs", true, "secrets", Map.of("db", Map.of("file", dir.resolve("db").toString()))));
        when(gateway.ensureImage(anyString(), any())).thenReturn(new DockerGateway.ImageInfo("sha256:abc", List.of(), false));
        when(gateway.imageConfig("sha256:abc")).thenReturn(new DockerGateway.ImageConfig(List.of(), List.of("python3"), "amd64",
                "linux"));
        when(gateway.createVolume(anyString(), any())).thenAnswer(i -> i.getArgument(0));
        when(gateway.createContainer(any())).thenReturn("c1");
        when(gateway.attachStdin(eq("c1"), any())).thenAnswer(i -> {
            stdinAtAttach = ((byte[]) i.getArgument(1)).clone();
            return attachment;
        });
        when(attachment.awaitEnd(any())).thenReturn(true);
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(0L));
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, false, null, Map.of(), null));
    }

    private RunResult run(Map<String, Object> kwargs, String printed) {
        when(gateway.attachOutput(eq("c1"), any())).thenAnswer(i -> {
            OutputListener l = i.getArgument(1);
            l.onOutput(StreamKind.STDOUT, printed.substring(0, 5).getBytes(StandardCharsets.UTF_8));
            l.onOutput(StreamKind.STDOUT, printed.substring(5).getBytes(StandardCharsets.UTF_8));
            l.onEnd(null);
            return attachment;
        });
        Map<String, Object> k = new HashMap<>(kwargs);
        k.put("image", "python:3.11-slim");
        RunRequest request = RunRequest.from("run_with_input", k, config.requestDefaults());
        try (RunSecrets secrets = RunSecrets.read(config.secrets(), request.secrets())) {
            return new ContainerRunner(gateway, config).run(request, secrets, ctx);
        }
    }

    @Test
    void theEngineGetsTheShimNamesAndATmpfsButNoValue() throws IOException {
        RunResult r = run(Map.of("secrets", List.of("db"), "secret_env", Map.of("PGPASSWORD", "db"), "input_data", "in"),
                "x " + VALUE + " y\n");
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(gateway).createContainer(spec.capture());
        ContainerSpec s = spec.getValue();
        assertEquals(List.of(SecretShim.PATH, "--", "python3"), s.entrypoint(), "the image's cmd, wrapped");
        assertNull(s.cmd());
        assertEquals(Map.of(), s.environment(), "secret_env is not in Config.Env");
        assertEquals(Map.of("/run/secrets", "rw,nosuid,nodev,noexec,size=2m,mode=0700,uid=65534,gid=65534"), s.tmpfs());
        assertTrue(s.openStdin());
        assertFalse(s.engineLogs(), "no engine log copy of output that may hold values, even with engine_logs: true");
        assertEquals("db", s.labels().get(Labels.SECRETS));
        assertTrue(s.volumes().stream().anyMatch(v -> v.target().equals(SecretShim.DIRECTORY)));
        HostConfig host = ContainerHardening.hostConfig(s);
        assertEquals(s.tmpfs(), host.getTmpFs());
        assertFalse(s.toString().contains(VALUE), "nothing the engine is told holds the value");

        ArgumentCaptor<InputStream> shim = ArgumentCaptor.forClass(InputStream.class);
        verify(gateway).copyInto(eq("c1"), eq(SecretShim.DIRECTORY), shim.capture());
        try (TarArchiveInputStream tar = TarArchives.reader(shim.getValue())) {
            TarArchiveEntry e = tar.getNextTarEntry();
            assertEquals("secrets-shim", e.getName());
            assertEquals(0555, e.getMode() & 07777);
            assertEquals(0, e.getLongUserId());
            assertArrayEquals(SecretShim.binary(), tar.readAllBytes());
        }
        ArgumentCaptor<byte[]> stdin = ArgumentCaptor.forClass(byte[].class);
        verify(gateway).attachStdin(eq("c1"), stdin.capture());
        String sent = new String(stdinAtAttach, StandardCharsets.ISO_8859_1);
        assertTrue(sent.startsWith("CRSECRETS1\n") && sent.contains(VALUE) && sent.endsWith("in"), "the values, then input_data");
        assertArrayEquals(new byte[stdin.getValue().length], stdin.getValue(), "cleared after the run");

        assertEquals("x *** y\n", r.toMap().get("stdout"), "split across two reads, redacted");
        assertEquals(List.of("stdout"), r.toMap().get("redacted"));
        assertTrue(ctx.lines.contains("STDOUT x *** y"), String.valueOf(ctx.lines));
        verify(gateway).removeVolume("container-runner-" + s.labels().get(Labels.ATTEMPT) + "-shim");
    }

    @Test
    void aRunWithoutSecretsIsUnchanged() {
        run(Map.of("command", List.of("python3"), "args", List.of("-V")), "plain\n");
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(gateway).createContainer(spec.capture());
        assertEquals(List.of("python3"), spec.getValue().entrypoint());
        assertEquals(List.of("-V"), spec.getValue().cmd());
        assertEquals(Map.of(), spec.getValue().tmpfs());
        assertFalse(spec.getValue().openStdin());
        assertTrue(spec.getValue().engineLogs(), "engine_logs as configured");
        assertFalse(spec.getValue().labels().containsKey(Labels.SECRETS));
        verify(gateway, never()).imageConfig(anyString());
        verify(gateway, never()).attachStdin(anyString(), any());
    }

    @Test
    void anImageOfAnotherPlatformIsRefusedBeforeAnythingIsCreated() {
        when(gateway.imageConfig("sha256:abc")).thenReturn(new DockerGateway.ImageConfig(List.of(), List.of("sh"), "arm64", "linux"));
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> run(Map.of("secrets", List.of("db")), "x\n"));
        assertTrue(e.getMessage().contains("linux/arm64"), e.getMessage());
        verify(gateway, never()).createVolume(anyString(), any());
        verify(gateway, never()).createContainer(any());
    }
}
