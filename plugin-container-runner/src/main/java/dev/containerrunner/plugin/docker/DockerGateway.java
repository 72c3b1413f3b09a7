package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.UsageListener;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.plugin.execution.TreeEntry;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The narrow port between the Docker run logic ({@link ContainerRunner}, the {@link Janitor},
 * collect_output) and a container engine. The implementation is {@link DockerJavaGateway}; the
 * run logic's unit tests use a mock.
 *
 * <p>Every method either does what it says or throws {@link ContainerEngineException} (or a
 * subclass) naming the operation: {@link NoSuchContainerException} when the engine does not know
 * the container (or path, or image id) asked for, {@link ImageNotAvailableException} when an image
 * cannot be had. An engine that cannot be reached is a {@link ContainerEngineException} whose
 * message says so. None of the methods runs a shell.
 *
 * @apiNote Implementations are thread-safe: one gateway (one client, one connection pool) is shared
 *          by every task of the app, the janitor and collect_output, and is called from all their
 *          threads at once.
 */
public interface DockerGateway extends AutoCloseable {

    /**
     * Makes {@code reference} available under {@code policy} (inspect; pull when the policy asks or
     * allows it) and says what it resolved to.
     *
     * @throws ImageNotAvailableException when the image is absent and {@code policy} is never, the
     *         registry refused the pull, or the pull did not finish within the pull timeout (with its
     *         {@link dev.containerrunner.plugin.execution.FailureReason} when known)
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    ImageInfo ensureImage(String reference, PullPolicy policy);

    /**
     * What the local image {@code imageId} runs and for which platform (for a run that must wrap
     * its command, e.g. in the secrets shim).
     *
     * @throws NoSuchContainerException when the engine does not have the image
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    ImageConfig imageConfig(String imageId);

    /**
     * This gateway as seen by one task: its image pulls report progress to {@code log} and stop
     * waiting when {@code cancellation} fires. It shares everything else (client, connections,
     * pulls in flight); closing it does nothing. The default is this gateway itself.
     */
    default DockerGateway forTask(LogSink log, CancellationSignal cancellation) {
        return this;
    }

    /**
     * Creates a volume named {@code name} carrying {@code labels} and returns its name.
     *
     * @throws ContainerEngineException when the engine refused or cannot be reached
     */
    String createVolume(String name, Map<String, String> labels);

    /**
     * Creates (does not start) the hardened container {@code spec} describes and returns its id.
     *
     * @throws NoSuchContainerException when the engine does not know the image id (removed since {@link #ensureImage})
     * @throws ContainerEngineException when the engine refused (e.g. an unknown runtime) or cannot be reached
     */
    String createContainer(ContainerSpec spec);

    /**
     * Extracts the tar {@code archive} into {@code directory} of a created container, reading the
     * archive to its end.
     *
     * @throws NoSuchContainerException when the container or {@code directory} does not exist
     * @throws ContainerEngineException when the engine refused or cannot be reached
     */
    void copyInto(String containerId, String directory, InputStream archive);

    /**
     * Attaches to stdout and stderr; returns once the attach is established (before start), so no
     * output is missed. {@code listener} is called from a reader thread until the stream ends.
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine did not open the stream or cannot be reached
     */
    Attachment attachOutput(String containerId, OutputListener listener);

    /**
     * Attaches to stdin, writes {@code data} in the background, then ends the attach so that the
     * container (created with stdin-once) sees end-of-file.
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine refused or cannot be reached
     */
    Attachment attachStdin(String containerId, byte[] data);

    /**
     * Starts a created container.
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine could not start it (e.g. the command does not
     *         exist in the image) or cannot be reached
     */
    void start(String containerId);

    /**
     * Completes with the exit code when the container stops. Cancelling the future stops waiting.
     * The future completes exceptionally with a {@link ContainerEngineException} when the engine
     * fails the wait (e.g. the container is gone), the connection to it is lost while the container
     * runs, or it ends the wait without an exit code.
     *
     * @throws ContainerEngineException when the wait cannot be started
     */
    CompletableFuture<Long> awaitExit(String containerId);

    /**
     * Streams the running container's cgroup readings (the engine's stats API, about one a second) to
     * {@code listener} from a reader thread until closed; a stream that fails before it is closed (also
     * one that cannot be opened: the connection is made on that thread) is told to {@link UsageListener#failed}.
     * @throws ContainerEngineException when the stream cannot be started
     */
    StatsStream streamStats(String containerId, UsageListener listener);

    /**
     * SIGTERM, then SIGKILL after {@code grace} (whole seconds); returns when the container has
     * stopped. A container already stopped is not an error.
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    void stop(String containerId, Duration grace);

    /**
     * SIGKILL. A container no longer running is not an error.
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    void kill(String containerId);

    /**
     * The container's state and labels now.
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    ContainerState inspect(String containerId);

    /**
     * The engine's tar archive of {@code path}; the caller closes it.
     *
     * @throws NoSuchContainerException when the container or {@code path} does not exist
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    InputStream copyOut(String containerId, String path);

    /**
     * What is at {@code path} of a container without reading it: its last segment not followed
     * (a symbolic link is reported as one, its link text not included), its parents resolved by the
     * engine inside the container.
     *
     * @throws NoSuchContainerException when the container or {@code path} does not exist
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    TreeEntry statPath(String containerId, String path);

    /**
     * The directories where volumes are mounted in a container (its per-run directories).
     *
     * @throws NoSuchContainerException when the container does not exist
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    List<String> volumeMounts(String containerId);

    /**
     * Removes a container (forced, running or not) and its anonymous volumes; a container already
     * gone is not an error.
     *
     * @throws ContainerEngineException when the engine refused or cannot be reached
     */
    void removeContainer(String containerId);

    /**
     * Removes a volume; one already gone is not an error.
     *
     * @throws ContainerEngineException when the engine refused (e.g. the volume is still in use) or
     *         cannot be reached
     */
    void removeVolume(String name);

    /**
     * Containers (running or not) carrying every label in {@code labels}.
     *
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    List<ContainerInfo> findContainers(Map<String, String> labels);

    /**
     * Volumes carrying every label in {@code labels}.
     *
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    List<VolumeInfo> findVolumes(Map<String, String> labels);

    /**
     * The number of CPUs the engine reports ({@code docker info} NCPU): the largest CPU limit it
     * accepts.
     *
     * @throws ContainerEngineException when the engine failed or cannot be reached
     */
    int engineCpus();

    /** Releases the client and its connections. Idempotent; never throws. */
    @Override
    void close();

    /**
     * An open attach.
     *
     * @apiNote Thread-safe: the run waits for and closes it while a reader thread feeds it; closing
     *          is idempotent and never throws.
     */
    interface Attachment extends AutoCloseable {
        /** Waits until the stream has ended; false when {@code max} passed first (or the thread was interrupted). */
        boolean awaitEnd(Duration max);

        /** Ends the attach; the listener, if any, is told the end once. */
        @Override
        void close();
    }

    /** An open stats stream; closing it is idempotent and never throws. */
    interface StatsStream extends AutoCloseable {
        @Override
        void close();
    }

    /** What an image reference resolved to. */
    record ImageInfo(String id, List<String> repoDigests, boolean pulled) {

        /** The most precise name of what runs: a repo digest when known, else the image id. */
        public String digest() {
            return repoDigests.isEmpty() ? id : repoDigests.get(0);
        }

        /**
         * The repo digest of {@code repository} (normalised, e.g. {@code docker.io/library/python}):
         * the one the image was pulled as, when it carries several; else the image id (a digest of
         * another repository that happens to hold the same image is not what this reference ran).
         */
        public String digestOf(String repository) {
            for (String d : repoDigests) {
                int at = d.indexOf('@');
                try {
                    if (at > 0 && ImageReference.parse(d).repository().equals(repository)) {
                        return d;
                    }
                } catch (IllegalArgumentException e) {
                    // not a reference we can read: skip it
                }
            }
            return id;
        }
    }

    /**
     * An image's command and platform: {@code entrypoint} and {@code cmd} as in its config (empty
     * when unset), {@code architecture} and {@code os} as the engine reports them (e.g. {@code amd64},
     * {@code linux}).
     */
    record ImageConfig(List<String> entrypoint, List<String> cmd, String architecture, String os) {
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
}
