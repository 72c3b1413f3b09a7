package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.model.Ulimit;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to create a hardened container. {@code engineLogs}: keep the engine's own
 * copy of the output (json-file, capped at 10 MiB); otherwise the log driver is {@code none} and
 * the attach is the only copy. {@code workingDir} null: the image's; {@code shmSizeBytes} null:
 * the engine's default {@code /dev/shm}; {@code ulimits} empty: the engine's limits; {@code tmpfs}:
 * memory file systems of the run's own (mount path to the engine's tmpfs options), e.g. the run's
 * secret files.
 */
public record ContainerSpec(
        String image,
        List<String> entrypoint,
        List<String> cmd,
        Map<String, String> environment,
        String user,
        long memoryBytes,
        long nanoCpus,
        long pidsLimit,
        String networkMode,
        boolean openStdin,
        boolean readOnlyRootFilesystem,
        List<DockerGateway.VolumeMount> volumes,
        Map<String, String> labels,
        String runtime,
        boolean engineLogs,
        String workingDir,
        Long shmSizeBytes,
        List<Ulimit> ulimits,
        Map<String, String> tmpfs) {

    public ContainerSpec {
        ulimits = List.copyOf(ulimits);
        tmpfs = Map.copyOf(tmpfs);
    }

    /** A spec without tmpfs mounts of the run's own. */
    public ContainerSpec(String image, List<String> entrypoint, List<String> cmd, Map<String, String> environment,
                         String user, long memoryBytes, long nanoCpus, long pidsLimit, String networkMode, boolean openStdin,
                         boolean readOnlyRootFilesystem, List<DockerGateway.VolumeMount> volumes, Map<String, String> labels,
                         String runtime, boolean engineLogs, String workingDir, Long shmSizeBytes, List<Ulimit> ulimits) {
        this(image, entrypoint, cmd, environment, user, memoryBytes, nanoCpus, pidsLimit, networkMode, openStdin,
                readOnlyRootFilesystem, volumes, labels, runtime, engineLogs, workingDir, shmSizeBytes, ulimits, Map.of());
    }

    /** A spec with the image's working directory and the engine's /dev/shm and limits. */
    public ContainerSpec(String image, List<String> entrypoint, List<String> cmd, Map<String, String> environment,
                         String user, long memoryBytes, long nanoCpus, long pidsLimit, String networkMode, boolean openStdin,
                         boolean readOnlyRootFilesystem, List<DockerGateway.VolumeMount> volumes, Map<String, String> labels,
                         String runtime, boolean engineLogs) {
        this(image, entrypoint, cmd, environment, user, memoryBytes, nanoCpus, pidsLimit, networkMode, openStdin,
                readOnlyRootFilesystem, volumes, labels, runtime, engineLogs, null, null, List.of(), Map.of());
    }
}
