package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.model.PullPolicy;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The narrow port between the action logic and a container engine. The Docker implementation is
 * {@link DockerJavaGateway}; tests of the action logic use a mock, and another backend can slot in.
 *
 * <p>Every method either does what it says or throws {@link ContainerEngineException} (or a
 * subclass) naming the operation. None of them runs a shell.
 */
public interface DockerGateway extends AutoCloseable {

    /** Makes {@code reference} available under {@code policy} and says what it resolved to. */
    ImageInfo ensureImage(String reference, PullPolicy policy);

    /** Creates a labelled volume and returns its name. */
    String createVolume(String name, Map<String, String> labels);

    /** Creates (does not start) a container and returns its id. */
    String createContainer(ContainerSpec spec);

    /** Extracts the tar {@code archive} into {@code directory} of a created container. */
    void copyInto(String containerId, String directory, InputStream archive);

    /** Attaches to stdout and stderr; returns once the attach is established (before start). */
    Attachment attachOutput(String containerId, OutputListener listener);

    /**
     * Attaches to stdin, writes {@code data} in the background, then ends the attach so that the
     * container (created with stdin-once) sees end-of-file.
     */
    Attachment attachStdin(String containerId, byte[] data);

    void start(String containerId);

    /** Completes with the exit code when the container stops. Cancelling the future stops waiting. */
    CompletableFuture<Long> awaitExit(String containerId);

    /** SIGTERM, then SIGKILL after {@code grace}; returns when the container has stopped. */
    void stop(String containerId, Duration grace);

    /** SIGKILL. */
    void kill(String containerId);

    ContainerState inspect(String containerId);

    /** The engine's tar archive of {@code path}; the caller closes it. */
    InputStream copyOut(String containerId, String path);

    /** Removes a container and its anonymous volumes; a container already gone is not an error. */
    void removeContainer(String containerId);

    /** Removes a volume; one already gone is not an error. */
    void removeVolume(String name);

    /** Containers (running or not) carrying every label in {@code labels}. */
    List<ContainerInfo> findContainers(Map<String, String> labels);

    /** Volumes carrying every label in {@code labels}. */
    List<VolumeInfo> findVolumes(Map<String, String> labels);

    @Override
    void close();


    /** An open attach; closing it is idempotent. */
    interface Attachment extends AutoCloseable {
        /** Waits until the stream has ended; false when {@code max} passed first. */
        boolean awaitEnd(Duration max);

        @Override
        void close();
    }

    /** What an image reference resolved to. */
    record ImageInfo(String id, List<String> repoDigests, boolean pulled) {

        /** The most precise name of what runs: a repo digest when known, else the image id. */
        public String digest() {
            return repoDigests.isEmpty() ? id : repoDigests.get(0);
        }
    }

    /** A container's state and labels; {@code finishedAt} null while it never stopped. */
    record ContainerState(boolean running, Long exitCode, boolean oomKilled, String error, Map<String, String> labels,
                          java.time.Instant finishedAt) {
    }

    /** A container found by label. */
    record ContainerInfo(String id, Map<String, String> labels, boolean running) {
    }

    /** A volume found by label. */
    record VolumeInfo(String name, Map<String, String> labels) {
    }

    /** A named volume mounted into a container. */
    record VolumeMount(String volume, String target) {
    }

    /**
     * Everything needed to create a hardened container. {@code engineLogs}: keep the engine's own
     * copy of the output (json-file, capped at 10 MiB); otherwise the log driver is {@code none} and
     * the attach is the only copy.
     */
    record ContainerSpec(
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
            List<VolumeMount> volumes,
            Map<String, String> labels,
            String runtime,
            boolean engineLogs) {
    }
}
