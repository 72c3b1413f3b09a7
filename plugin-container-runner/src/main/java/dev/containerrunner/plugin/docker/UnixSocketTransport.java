package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.Attachment;
import dev.containerrunner.plugin.execution.OutputListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * {@link StreamTransport} straight over the engine's Unix socket with the JDK's own channel
 * ({@link UnixSocketArchive}, {@link UnixSocketAttach}): about ten times the throughput of
 * docker-java's socket transport, and a real end-of-file on stdin.
 *
 * @apiNote Thread-safe: every call opens its own connection.
 */
final class UnixSocketTransport implements StreamTransport {

    private final Path socket;
    private final DockerErrors errors;

    /** Streams over {@code socket} (e.g. {@code /var/run/docker.sock}), failures worded by {@code errors}. */
    UnixSocketTransport(Path socket, DockerErrors errors) {
        this.socket = socket;
        this.errors = errors;
    }

    @Override
    public void copyInto(String containerId, String directory, InputStream archive) {
        try {
            UnixSocketArchive.put(socket, containerId, directory, archive);
        } catch (IOException e) {
            throw errors.engineFailure("copy into " + directory, e);
        }
    }

    @Override
    public InputStream copyOut(String containerId, String path) {
        try {
            return UnixSocketArchive.get(socket, containerId, path);
        } catch (IOException e) {
            throw errors.engineFailure("copy " + path + " out", e);
        }
    }

    @Override
    public DockerPathStat stat(String containerId, String path) {
        try {
            return UnixSocketArchive.head(socket, containerId, path);
        } catch (IOException e) {
            throw errors.engineFailure("stat " + path, e);
        }
    }

    @Override
    public Attachment attachOutput(String containerId, OutputListener listener) {
        try {
            return UnixSocketAttach.output(socket, containerId, listener);
        } catch (IOException e) {
            throw errors.engineFailure("attach", e);
        }
    }

    @Override
    public Attachment attachStdin(String containerId, byte[] data) {
        try {
            return UnixSocketAttach.stdin(socket, containerId, data);
        } catch (IOException e) {
            throw errors.engineFailure("attach stdin", e);
        }
    }

    @Override
    public String toString() {
        return "unix socket " + socket;
    }
}
