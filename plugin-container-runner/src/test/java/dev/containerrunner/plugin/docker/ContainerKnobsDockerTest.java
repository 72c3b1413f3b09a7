package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeMount;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Issue 13 §5/§6 and issue 14 on Docker: the knobs on the create command, the engine's CPU count, start errors. */
class ContainerKnobsDockerTest {

    private static ContainerSpec spec(boolean readOnlyRoot, List<VolumeMount> volumes, String workingDir, Long shm,
                                      List<dev.containerrunner.plugin.model.Ulimit> ulimits) {
        return new ContainerSpec("sha256:abc", null, null, Map.of(), "1500:1600", 64L << 20, 500_000_000L, 256, "none",
                false, readOnlyRoot, volumes, Map.of(), null, false, workingDir, shm, ulimits);
    }

    private static CreateContainerCmd apply(ContainerSpec spec) {
        CreateContainerCmd cmd = new CreateContainerCmdImpl(c -> {
            throw new AssertionError("nothing is sent to an engine");
        }, null, spec.image());
        return ContainerHardening.applyTo(cmd, spec);
    }

    @Test
    void workingDirShmSizeUlimitsAndUserGoOnTheCreateCommand() {
        CreateContainerCmd cmd = apply(spec(false, List.of(), "/work", 128L << 20,
                List.of(new dev.containerrunner.plugin.model.Ulimit("nofile", 1024, 4096))));
        assertEquals("/work", cmd.getWorkingDir());
        assertEquals("1500:1600", cmd.getUser());
        HostConfig host = cmd.getHostConfig();
        assertEquals(128L << 20, host.getShmSize());
        assertArrayEquals(new Ulimit[] {new Ulimit("nofile", 1024L, 4096L)}, host.getUlimits());
        HostConfig plain = apply(spec(false, List.of(), null, null, List.of())).getHostConfig();
        assertNull(plain.getShmSize(), "the engine's default /dev/shm (64m)");
        assertNull(plain.getUlimits());
        assertNull(apply(spec(false, List.of(), null, null, List.of())).getWorkingDir(), "the image's");
    }

    /** Issue 14: a per-run volume at /tmp replaces the read-only root's tmpfs; one below /tmp goes on top of it. */
    @Test
    void aRunDirectoryAtTmpReplacesTheTmpfsAndOneBelowItComposes() {
        assertEquals(Map.of("/tmp", ContainerHardening.TMP_OPTIONS), apply(spec(true, List.of(), null, null, List.of()))
                .getHostConfig().getTmpFs());
        assertNull(apply(spec(true, List.of(new VolumeMount("v0", "/tmp")), null, null, List.of())).getHostConfig().getTmpFs());
        HostConfig below = apply(spec(true, List.of(new VolumeMount("v0", "/tmp/out")), null, null, List.of())).getHostConfig();
        assertEquals(Map.of("/tmp", ContainerHardening.TMP_OPTIONS), below.getTmpFs());
        assertEquals("/tmp/out", below.getMounts().get(0).getTarget());
    }

    private static RunnerConfig config(Object... pairs) {
        Map<String, Object> m = new HashMap<>(Map.of("allowed_images", List.of("python:3.11-slim"), "max_cpu", 8.0,
                "collect_retention_seconds", 0, "allowed_users", List.of("1000-1999")));
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return RunnerConfig.from(m);
    }

    private static RunRequest request(RunnerConfig c, Object... kv) {
        Map<String, Object> k = new HashMap<>();
        k.put("image", "python:3.11-slim");
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        return RunRequest.from("run_with_input", k, c.requestDefaults());
    }

    @Test
    void aCpuLimitAboveTheEnginesCpusIsRefusedAtValidationAndAskedOnce() {
        DockerGateway gateway = mock(DockerGateway.class);
        when(gateway.engineCpus()).thenReturn(2);
        when(gateway.findContainers(any())).thenReturn(List.of());
        when(gateway.findVolumes(any())).thenReturn(List.of());
        RunnerConfig c = config();
        try (DockerBackend backend = new DockerBackend(c, x -> gateway)) {
            backend.check(request(c, "cpu_limit", 2.0));
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> backend.check(request(c, "cpu_limit", 2.5)));
            assertEquals("cpu_limit", e.parameter());
            assertTrue(e.getMessage().contains("(2.5) is above the 2 CPUs of the Docker engine"), e.getMessage());
            InvalidKwargsException byDefault = assertThrows(InvalidKwargsException.class,
                    () -> backend.check(request(config("default_cpu", 4.0), new Object[0])));
            assertEquals("cpu_limit", byDefault.parameter(), "a default_cpu above the engine's CPUs is refused the same way");
            verify(gateway, times(1)).engineCpus();
        }
    }

    @Test
    void anUnreachableEngineLeavesTheCpuCheckToTheNextCall() {
        DockerGateway gateway = mock(DockerGateway.class);
        when(gateway.findContainers(any())).thenReturn(List.of());
        when(gateway.findVolumes(any())).thenReturn(List.of());
        when(gateway.engineCpus()).thenThrow(new ContainerEngineException("info", "cannot reach the Docker engine", null))
                .thenReturn(1);
        RunnerConfig c = config();
        try (DockerBackend backend = new DockerBackend(c, x -> gateway)) {
            backend.check(request(c, "cpu_limit", 3.0));
            assertEquals("cpu_limit", assertThrows(InvalidKwargsException.class,
                    () -> backend.check(request(c, "cpu_limit", 3.0))).parameter());
        }
    }

    @Test
    void underAReadOnlyRootAWorkingDirInsideTheTmpTmpfsNeedsARunDirectory() {
        DockerGateway gateway = mock(DockerGateway.class);
        when(gateway.engineCpus()).thenReturn(2);
        RunnerConfig ro = config("read_only_root_filesystem", true);
        try (DockerBackend backend = new DockerBackend(ro, x -> gateway)) {
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                    () -> backend.check(request(ro, "working_dir", "/tmp/work")));
            assertEquals("working_dir", e.parameter());
            assertTrue(e.getMessage().contains("read_only_root_filesystem makes an empty tmpfs"), e.getMessage());
            backend.check(request(ro, "working_dir", "/tmp"));
            backend.check(request(ro, "working_dir", "/work"));
            backend.check(request(ro, "working_dir", "/tmp/work", "writable_dirs", List.of("/tmp/work")));
            backend.check(request(ro, "working_dir", "/tmp/out/sub", "output_file", "/tmp/out/x.txt"));
        }
        RunnerConfig rw = config();
        try (DockerBackend backend = new DockerBackend(rw, x -> gateway)) {
            backend.check(request(rw, "working_dir", "/tmp/work"));
        }
    }

    @Test
    void theRunsUserOwnsItsVolumesAndRunsTheContainer() {
        DockerGateway gateway = engine();
        RunnerConfig c = config();
        new ContainerRunner(gateway, c).run(request(c, "user", "1500:1600", "output_file", "/out/r.txt", "working_dir", "/out",
                "shm_size", "32m", "ulimits", Map.of("nofile", 2048)), new TestContext("u"));
        ArgumentCaptor<ContainerSpec> spec = ArgumentCaptor.forClass(ContainerSpec.class);
        verify(gateway).createContainer(spec.capture());
        assertEquals("1500:1600", spec.getValue().user());
        assertEquals("/out", spec.getValue().workingDir());
        assertEquals(32L << 20, spec.getValue().shmSizeBytes());
        assertEquals(List.of(new dev.containerrunner.plugin.model.Ulimit("nofile", 2048, 2048)), spec.getValue().ulimits());
        ArgumentCaptor<java.io.InputStream> tar = ArgumentCaptor.forClass(java.io.InputStream.class);
        verify(gateway).copyInto(eq("c1"), eq("/"), tar.capture());
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(tar.getValue())) {
            var dir = in.getNextEntry();
            assertEquals("out/", dir.getName());
            assertEquals(1500L, dir.getLongUserId());
            assertEquals(1600L, dir.getLongGroupId());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStartTheRuntimeRefusedForTheUlimitsSaysSo() {
        DockerGateway gateway = engine();
        doThrow(new ContainerEngineException("start container", "failed to create shim task: OCI runtime create failed: runc"
                + " create failed: unable to start container process: error during container init: error setting rlimits for"
                + " ready process: error setting rlimit type 7: operation not permitted: unknown", null)).when(gateway).start("c1");
        RunnerConfig c = config("max_ulimits", Map.of("nofile", 100000));
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> new ContainerRunner(gateway, c)
                .run(request(c, "ulimits", Map.of("nofile", 100000)), new TestContext("rl")));
        assertTrue(e.getMessage().startsWith("start container: failed to create shim task"), e.getMessage());
        assertTrue(e.getMessage().endsWith("operation not permitted: unknown (ulimits [nofile=100000:100000]: the runtime could"
                + " not set them; a hard limit above the engine's own needs CAP_SYS_RESOURCE on the host: lower it, and"
                + " max_ulimits with it)"), e.getMessage());
        verify(gateway).removeContainer("c1");
    }

    private static DockerGateway engine() {
        DockerGateway gateway = mock(DockerGateway.class);
        DockerGateway.Attachment attachment = mock(DockerGateway.Attachment.class);
        when(gateway.ensureImage(anyString(), any())).thenReturn(new DockerGateway.ImageInfo("sha256:abc", List.of(), false));
        when(gateway.createVolume(anyString(), any())).thenAnswer(i -> i.getArgument(0));
        when(gateway.createContainer(any())).thenReturn("c1");
        when(gateway.attachOutput(eq("c1"), any())).thenReturn(attachment);
        when(attachment.awaitEnd(any())).thenReturn(true);
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(0L));
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, false, null, Map.of(), null));
        when(gateway.copyOut(eq("c1"), anyString())).thenReturn(dev.containerrunner.plugin.execution.TarArchives.ownedFiles(1, 1,
                null, List.of(new dev.containerrunner.plugin.execution.TarArchives.Entry("r.txt", new byte[] {'x'}))));
        when(gateway.statPath(eq("c1"), anyString())).thenReturn(new dev.containerrunner.plugin.execution.TreeEntry("r.txt",
                dev.containerrunner.plugin.execution.EntryKind.REGULAR, 1, null));
        return gateway;
    }

    /** Issue 13 §5: the engine's JSON error body becomes its message. */
    @Test
    void theEnginesJsonErrorIsUnwrapped() {
        DockerErrors errors = new DockerErrors("unix:///x.sock");
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> errors.run("start container", () -> {
            throw new DockerException("{\"message\":\"failed to create shim task: OCI runtime create failed: exec: \\\"-c\\\":"
                    + " executable file not found in $PATH: unknown\"}\n", 400);
        }));
        assertEquals("start container: failed to create shim task: OCI runtime create failed: exec: \"-c\": executable file"
                + " not found in $PATH: unknown", e.getMessage());
        assertEquals("plain text", DockerErrors.engineMessage("plain text"));
        assertEquals("{not json", DockerErrors.engineMessage("{not json"));
        assertEquals("{\"other\":1}", DockerErrors.engineMessage("{\"other\":1}"));
        assertEquals("copy /x out: engine answered 500: broken pipe",
                DockerErrors.status("copy /x out", 500, "{\"message\":\"broken pipe\"}").getMessage());
    }
}
