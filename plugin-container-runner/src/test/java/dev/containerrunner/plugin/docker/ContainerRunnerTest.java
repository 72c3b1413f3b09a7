package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.execution.TreeEntry;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.plugin.model.RunRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The action logic around the gateway: hardening, ordering and cleanup on every path. */
class ContainerRunnerTest {

    private final DockerGateway gateway = mock(DockerGateway.class);
    private final DockerGateway.Attachment attachment = mock(DockerGateway.Attachment.class);
    private final RunnerConfig config = RunnerConfig.from(Map.of("allowed_images", List.of("python:3.11-slim"),
            "stop_grace_seconds", 1, "collect_retention_seconds", 0));
    private final TestContext ctx = new TestContext("t1");

    @BeforeEach
    void engine() {
        when(gateway.ensureImage(anyString(), any())).thenReturn(new DockerGateway.ImageInfo("sha256:abc", List.of(), false));
        when(gateway.createVolume(anyString(), any())).thenAnswer(i -> i.getArgument(0));
        when(gateway.createContainer(any())).thenReturn("c1");
        when(gateway.attachOutput(eq("c1"), any())).thenReturn(attachment);
        when(gateway.attachStdin(eq("c1"), any())).thenReturn(attachment);
        when(attachment.awaitEnd(any())).thenReturn(true);
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, false, null, Map.of(), null));
    }

    private RunRequest request(Object... kv) {
        Map<String, Object> k = new java.util.HashMap<>();
        k.put("image", "python:3.11-slim");
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        return RunRequest.from("run_with_input", k, config.requestDefaults());
    }

    @Test
    void createsAHardenedLabelledContainerAndRemovesEverything() {
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(0L));
        when(gateway.statPath("c1", "/out/r.txt")).thenReturn(new TreeEntry("r.txt", EntryKind.REGULAR, 2, null));
        when(gateway.copyOut("c1", "/out/r.txt")).thenReturn(TarArchives.ownedFiles(1, 1, null,
                List.of(new TarArchives.Entry("r.txt", "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        RunResult r = new ContainerRunner(gateway, config).run(request("command", List.of("python3", "/in/s.py"),
                "input_file", Map.of("path", "/in/s.py", "content", "print(1)"), "output_file", "/out/r.txt",
                "memory_limit", "64m", "cpu_limit", 0.5), ctx);
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(gateway).createContainer(spec.capture());
        ContainerSpec s = spec.getValue();
        assertEquals("sha256:abc", s.image(), "runs exactly the resolved image id");
        assertEquals("65534:65534", s.user());
        assertEquals("none", s.networkMode());
        assertEquals(64L << 20, s.memoryBytes());
        assertEquals(500_000_000L, s.nanoCpus());
        assertEquals(256, s.pidsLimit());
        assertEquals(List.of("python3", "/in/s.py"), s.entrypoint());
        assertEquals("container_runner", s.labels().get(Labels.MANAGED_BY));
        assertEquals("t1", s.labels().get(Labels.TASK));
        assertEquals(2, s.volumes().size());
        ArgumentCaptor<String> vol = ArgumentCaptor.forClass(String.class);
        verify(gateway, org.mockito.Mockito.times(2)).createVolume(vol.capture(), eq(s.labels()));
        verify(gateway, org.mockito.Mockito.times(2)).copyInto(eq("c1"), eq("/"), any()); // /in and /out, owned from their parent
        verify(gateway).removeContainer("c1");
        vol.getAllValues().forEach(v -> verify(gateway).removeVolume(v));
        verify(gateway, never()).attachStdin(anyString(), any());
        assertTrue(r.success(), r.error());
        assertEquals("ok", r.outputFileContent());
        assertEquals("utf-8", r.outputFileEncoding());
    }

    @Test
    void failureWhileCreatingStillRemovesVolumes() {
        doThrow(new ContainerEngineException("create container", "boom", null)).when(gateway).createContainer(any());
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> new ContainerRunner(gateway, config)
                .run(request("input_file", Map.of("path", "/in/s.py", "content", "x")), ctx));
        assertEquals("create container", e.operation());
        verify(gateway).removeVolume(anyString());
        verify(gateway, never()).start(anyString());
    }

    @Test
    void failureWhileStartingRemovesContainerAndKeepsThePrimaryError() {
        ContainerEngineException boom = new ContainerEngineException("start container", "boom", null);
        doThrow(boom).when(gateway).start("c1");
        doThrow(new ContainerEngineException("remove container", "also broken", null)).when(gateway).removeContainer("c1");
        ContainerEngineException e = assertThrows(ContainerEngineException.class,
                () -> new ContainerRunner(gateway, config).run(request(), ctx));
        assertSame(boom, e);
        assertEquals(1, e.getSuppressed().length, "the cleanup failure is attached, not lost");
        verify(attachment).close();
    }

    @Test
    void timeoutStopsWithGraceAndReportsTimedOut() {
        CompletableFuture<Long> exit = new CompletableFuture<>();
        when(gateway.awaitExit("c1")).thenReturn(exit);
        doAnswerComplete(exit, 143L);
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 143L, false, null, Map.of(), null));
        RunResult r = new ContainerRunner(gateway, config).run(request("timeout_seconds", 1), ctx);
        verify(gateway).stop("c1", Duration.ofSeconds(1));
        assertTrue(r.timedOut());
        assertFalse(r.success());
        assertEquals(143L, r.exitCode());
        verify(gateway).removeContainer("c1");
    }

    @Test
    void cancellationStopsTheContainer() {
        CompletableFuture<Long> exit = new CompletableFuture<>();
        when(gateway.awaitExit("c1")).thenAnswer(i -> {
            new Thread(() -> ctx.cancellation.cancel()).start();
            return exit;
        });
        doAnswerComplete(exit, 137L);
        RunResult r = new ContainerRunner(gateway, config).run(request(), ctx);
        verify(gateway).stop(eq("c1"), any());
        assertFalse(r.success());
        assertFalse(r.timedOut());
        assertTrue(r.error().contains("cancelled"), r.error());
    }

    @Test
    void oomKilledIsNeverASuccessEvenWithExitZero() {
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(0L));
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, true, null, Map.of(), null));
        RunResult r = new ContainerRunner(gateway, config).run(request(), ctx);
        assertTrue(r.oomKilled());
        assertFalse(r.success());
    }

    @Test
    void stdinIsAttachedOnlyWithInputData() {
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(0L));
        new ContainerRunner(gateway, config).run(request("input_data", "abc"), ctx);
        verify(gateway).attachStdin(eq("c1"), eq("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(gateway).createContainer(spec.capture());
        assertTrue(spec.getValue().openStdin());
        verify(gateway).ensureImage("docker.io/library/python:3.11-slim", PullPolicy.IF_NOT_PRESENT);
    }

    @Test
    void withRetentionTheContainerIsKeptLabelledForTheJanitor() {
        RunnerConfig retaining = RunnerConfig.from(Map.of("allowed_images", List.of("python:3.11-slim"),
                "collect_retention_seconds", 120));
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(0L));
        new ContainerRunner(gateway, retaining).run(request(), ctx);
        verify(gateway, never()).removeContainer(anyString());
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(gateway).createContainer(spec.capture());
        Map<String, String> labels = spec.getValue().labels();
        assertEquals("120", labels.get(Labels.RETENTION));
        assertEquals("true", labels.get(Labels.RELEASE_AT_RUN_END));
        assertEquals(Labels.ownerId(), labels.get(Labels.OWNER));
        long expires = Long.parseLong(labels.get(Labels.EXPIRES_AT));
        long now = java.time.Instant.now().getEpochSecond();
        assertTrue(expires > now + 300 + 120 && expires < now + 300 + 1 + 120 + 400, "hard bound: " + (expires - now));
        assertTrue(ctx.lines.stream().anyMatch(l -> l.contains("keeping container")));
    }

    private void doAnswerComplete(CompletableFuture<Long> exit, long code) {
        org.mockito.Mockito.doAnswer(i -> {
            exit.complete(code);
            return null;
        }).when(gateway).stop(eq("c1"), any());
    }
}
