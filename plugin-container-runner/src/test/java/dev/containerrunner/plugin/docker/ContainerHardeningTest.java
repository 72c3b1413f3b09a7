package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.containerrunner.plugin.docker.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeMount;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The container a run gets, field by field, on a real docker-java create command (no engine involved). */
class ContainerHardeningTest {

    private static ContainerSpec spec(List<String> entrypoint, List<String> cmd, boolean openStdin, boolean readOnlyRoot,
                                      String runtime, boolean engineLogs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("B", "x=y");
        return new ContainerSpec("sha256:abc", entrypoint, cmd, env, "65534:65534", 64L << 20, 500_000_000L, 256, "none",
                openStdin, readOnlyRoot, List.of(new VolumeMount("vol-0", "/in"), new VolumeMount("vol-1", "/out")),
                Map.of("container_runner.managed_by", "container_runner"), runtime, engineLogs);
    }

    private static CreateContainerCmd apply(ContainerSpec spec) {
        CreateContainerCmd cmd = new CreateContainerCmdImpl(c -> {
            throw new AssertionError("nothing is sent to an engine");
        }, null, spec.image());
        assertSame(cmd, ContainerHardening.applyTo(cmd, spec));
        return cmd;
    }

    @Test
    void theHostConfigIsHardened() {
        HostConfig host = apply(spec(null, List.of(), false, false, null, false)).getHostConfig();
        assertEquals(64L << 20, host.getMemory());
        assertEquals(64L << 20, host.getMemorySwap(), "swap equal to memory: no swap on top");
        assertEquals(500_000_000L, host.getNanoCPUs());
        assertEquals(256L, host.getPidsLimit());
        assertEquals("none", host.getNetworkMode());
        assertArrayEquals(new Capability[] {Capability.ALL}, host.getCapDrop());
        assertNull(host.getCapAdd());
        assertEquals(List.of("no-new-privileges"), host.getSecurityOpts());
        assertEquals(false, host.getPrivileged());
        assertEquals(false, host.getReadonlyRootfs());
        assertNull(host.getTmpFs(), "no tmpfs while the root is writable");
        assertNull(host.getRuntime(), "the engine's default runtime");
        assertEquals(LogConfig.LoggingType.NONE, host.getLogConfig().getType(), "the attach is the only copy of the output");
        assertEquals(0, host.getBinds().length, "no bind mounts");
        assertEquals(List.of(
                new Mount().withType(MountType.VOLUME).withSource("vol-0").withTarget("/in"),
                new Mount().withType(MountType.VOLUME).withSource("vol-1").withTarget("/out")), host.getMounts());
    }

    @Test
    void theContainerRunsAsTheUserWithoutTtyOrStdin() {
        CreateContainerCmd cmd = apply(spec(null, List.of(), false, false, null, false));
        assertEquals("sha256:abc", cmd.getImage());
        assertEquals("65534:65534", cmd.getUser());
        assertArrayEquals(new String[] {"A=1", "B=x=y"}, cmd.getEnv());
        assertEquals(Map.of("container_runner.managed_by", "container_runner"), cmd.getLabels());
        assertEquals(false, cmd.isTty());
        assertEquals(true, cmd.isAttachStdout());
        assertEquals(true, cmd.isAttachStderr());
        assertEquals(false, cmd.isAttachStdin());
        assertEquals(false, cmd.isStdinOpen());
        assertEquals(false, cmd.isStdInOnce());
        assertNull(cmd.getEntrypoint(), "the image's entrypoint");
        assertNull(cmd.getCmd(), "the image's command when there are no args");
    }

    @Test
    void stdinIsOpenedOnceWhenAsked() {
        CreateContainerCmd cmd = apply(spec(null, null, true, false, null, false));
        assertEquals(true, cmd.isAttachStdin());
        assertEquals(true, cmd.isStdinOpen());
        assertEquals(true, cmd.isStdInOnce(), "the engine closes stdin when the attach ends: the process reads EOF");
        assertEquals(false, cmd.isTty());
    }

    @Test
    void commandAndArgsReplaceEntrypointAndCmd() {
        CreateContainerCmd cmd = apply(spec(List.of("python3", "/in/s.py"), List.of("--flag", "1"), false, false, null, false));
        assertArrayEquals(new String[] {"python3", "/in/s.py"}, cmd.getEntrypoint());
        assertArrayEquals(new String[] {"--flag", "1"}, cmd.getCmd());
    }

    @Test
    void aReadOnlyRootGetsASmallWritableTmp() {
        HostConfig host = apply(spec(null, List.of(), false, true, null, false)).getHostConfig();
        assertEquals(true, host.getReadonlyRootfs());
        assertEquals(Map.of("/tmp", "rw,nosuid,nodev,size=64m,mode=1777"), host.getTmpFs());
    }

    @Test
    void runtimeAndEngineLogsWhenConfigured() {
        HostConfig host = apply(spec(null, List.of(), false, false, "runsc", true)).getHostConfig();
        assertEquals("runsc", host.getRuntime());
        assertEquals(LogConfig.LoggingType.JSON_FILE, host.getLogConfig().getType());
        assertEquals(Map.of("max-size", "10m", "max-file", "1"), host.getLogConfig().getConfig());
        assertEquals(false, host.getPrivileged(), "the hardening does not depend on the options");
        assertArrayEquals(new Capability[] {Capability.ALL}, host.getCapDrop());
    }
}
