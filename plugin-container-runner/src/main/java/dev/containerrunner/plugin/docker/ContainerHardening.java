package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeMount;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ulimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ContainerSpec} onto docker-java's create command: the hardened host config (memory
 * with no extra swap, CPUs, pids limit, network, every capability dropped, no-new-privileges, never
 * privileged, optionally a read-only root with a small writable {@code /tmp} (unless a per-run volume
 * is mounted there), runtime, log driver, per-run volumes, {@code /dev/shm} size, ulimits) and the container itself (user, labels, no TTY, stdin only when asked, command).
 */
final class ContainerHardening {

    /** Where a read-only root filesystem gets a writable tmpfs. */
    static final String TMP = "/tmp";
    /** Options of the {@code /tmp} tmpfs that a read-only root filesystem gets. */
    static final String TMP_OPTIONS = "rw,nosuid,nodev,size=64m,mode=1777";
    /** The engine's own copy of the output, when kept: one json-file of at most 10 MiB. */
    static final Map<String, String> ENGINE_LOG_OPTIONS = Map.of("max-size", "10m", "max-file", "1");

    private ContainerHardening() {
    }

    /** Applies {@code spec} to {@code cmd} (which names the image already) and returns {@code cmd}. */
    static CreateContainerCmd applyTo(CreateContainerCmd cmd, ContainerSpec spec) {
        List<String> env = new ArrayList<>();
        spec.environment().forEach((k, v) -> env.add(k + "=" + v));
        cmd.withUser(spec.user())
                .withEnv(env)
                .withLabels(spec.labels())
                .withTty(false)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(spec.openStdin())
                .withStdinOpen(spec.openStdin())
                .withStdInOnce(spec.openStdin())
                .withHostConfig(hostConfig(spec));
        if (spec.workingDir() != null) {
            cmd.withWorkingDir(spec.workingDir());
        }
        if (spec.entrypoint() != null) {
            cmd.withEntrypoint(spec.entrypoint());
        }
        if (spec.cmd() != null && !spec.cmd().isEmpty()) {
            cmd.withCmd(spec.cmd());
        }
        return cmd;
    }

    /** The engine-side limits and isolation of a run's container. */
    static HostConfig hostConfig(ContainerSpec spec) {
        List<Mount> mounts = new ArrayList<>();
        for (VolumeMount v : spec.volumes()) {
            mounts.add(new Mount().withType(MountType.VOLUME).withSource(v.volume()).withTarget(v.target()));
        }
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(spec.memoryBytes())
                .withMemorySwap(spec.memoryBytes())
                .withNanoCPUs(spec.nanoCpus())
                .withPidsLimit(spec.pidsLimit())
                .withNetworkMode(spec.networkMode())
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withReadonlyRootfs(spec.readOnlyRootFilesystem())
                .withMounts(mounts);
        Map<String, String> tmpfs = new java.util.TreeMap<>(spec.tmpfs());
        if (spec.readOnlyRootFilesystem() && spec.volumes().stream().noneMatch(v -> v.target().equals(TMP))) {
            // a run directory at /tmp replaces the tmpfs (its volume is writable too); one below /tmp is
            // mounted on top of it: the engine mounts the shallower path first
            tmpfs.put(TMP, TMP_OPTIONS);
        }
        if (!tmpfs.isEmpty()) {
            host.withTmpFs(tmpfs);
        }
        if (spec.shmSizeBytes() != null) {
            host.withShmSize(spec.shmSizeBytes());
        }
        if (!spec.ulimits().isEmpty()) {
            host.withUlimits(spec.ulimits().stream().map(u -> new Ulimit(u.name(), u.soft(), u.hard())).toList());
        }
        if (spec.runtime() != null) {
            host.withRuntime(spec.runtime());
        }
        host.withLogConfig(spec.engineLogs()
                ? new LogConfig(LogConfig.LoggingType.JSON_FILE, ENGINE_LOG_OPTIONS)
                : new LogConfig(LogConfig.LoggingType.NONE));
        return host;
    }
}
