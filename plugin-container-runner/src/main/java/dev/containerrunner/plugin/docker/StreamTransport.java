package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.Attachment;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.UsageListener;
import java.io.InputStream;

/**
 * How the streaming calls (archives in and out, attach, stats) reach the engine. Chosen once, when the
 * client connects, from the endpoint: {@link UnixSocketTransport} straight over a Unix socket,
 * {@link DockerJavaTransport} through docker-java for every other endpoint.
 *
 * <p>Each method throws {@link NoSuchContainerException} when the container (or path) does not
 * exist and {@link ContainerEngineException} for any other failure, unreachable engine included.
 *
 * @apiNote Implementations are thread-safe: one transport serves every task of the app.
 */
interface StreamTransport {

    /** Extracts the tar {@code archive} into {@code directory} of a created container. */
    void copyInto(String containerId, String directory, InputStream archive);

    /** The engine's tar archive of {@code path}; the caller closes it. */
    InputStream copyOut(String containerId, String path);

    /**
     * What is at {@code path} of a container, its last segment not followed, without reading it
     * ({@code HEAD /containers/{id}/archive}); {@link NoSuchContainerException} when nothing is.
     */
    DockerPathStat stat(String containerId, String path);

    /** Attaches to stdout and stderr; returns once the attach is established. */
    Attachment attachOutput(String containerId, OutputListener listener);

    /** Attaches to stdin, writes {@code data} in the background, then ends the attach (EOF for the container). */
    Attachment attachStdin(String containerId, byte[] data);

    /**
     * Streams the running container's stats readings to {@code listener} from a thread of its own until
     * closed; its failure before then goes to {@link UsageListener#failed}.
     */
    DockerGateway.StatsStream stats(String containerId, UsageListener listener);
}
