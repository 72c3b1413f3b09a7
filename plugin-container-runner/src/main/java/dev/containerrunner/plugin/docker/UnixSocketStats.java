package dev.containerrunner.plugin.docker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;
import dev.containerrunner.plugin.docker.DockerGateway.StatsStream;
import dev.containerrunner.plugin.execution.UsageListener;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /containers/{id}/stats?stream=true} straight over the engine's Unix socket (JDK
 * {@link SocketChannel}), one connection of its own per run, so a run's stats never take a
 * connection of docker-java's pool (which the wait of every run already uses). The engine sends one
 * JSON document per line per collector tick; each becomes a {@link DockerStats#reading}. The
 * connection, the request and the reading happen on the stream's own thread, so opening never
 * waits for the engine's first tick. Every way the stream ends before {@link #close} (the socket
 * unreachable, an error status, an unreadable line, a broken connection, or the engine ending the
 * response: it does not for a container that merely exited) is told to the listener's
 * {@link UsageListener#failed}; the connection is closed and the thread ends either way.
 *
 * @apiNote Thread-safe: {@link #close} may be called from any thread, at any time, more than once.
 */
final class UnixSocketStats implements StatsStream {

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketStats.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final SocketChannel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UnixSocketStats(SocketChannel channel) {
        this.channel = channel;
    }

    /** Starts streaming {@code containerId}'s readings to {@code listener} on a thread of its own. */
    static UnixSocketStats stream(Path socket, String containerId, UsageListener listener) throws IOException {
        UnixSocketStats s = new UnixSocketStats(SocketChannel.open(StandardProtocolFamily.UNIX));
        Thread reader = new Thread(() -> s.read(socket, containerId, listener),
                "stats-" + containerId.substring(0, Math.min(12, containerId.length())));
        reader.setDaemon(true);
        reader.start();
        return s;
    }

    private void read(Path socket, String containerId, UsageListener listener) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(UnixSocketArchive.get(channel, socket,
                "/containers/" + containerId + "/stats?stream=true", "stats"), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && !closed.get(); line = lines.readLine()) {
                if (!line.isBlank()) {
                    DockerStats.reading(JSON.readValue(line, Statistics.class))
                            .ifPresent(r -> listener.reading(r.cpuNanos(), r.memoryBytes(), r.memoryPeakBytes()));
                }
            }
            if (!closed.get()) {
                throw new EOFException("the engine ended the stats stream before it was closed");
            }
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                LOG.debug("stats of {} failed: {}", containerId, e.toString());
                listener.failed(e);
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing the stats connection failed", e);
            }
        }
    }
}
