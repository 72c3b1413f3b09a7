package dev.containerrunner.plugin.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Statistics;
import dev.containerrunner.plugin.docker.DockerGateway.StatsStream;
import dev.containerrunner.plugin.execution.UsageListener;
import java.io.Closeable;
import java.io.EOFException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container's stats stream through docker-java: the callback docker-java's stream thread calls
 * ({@link #onStart}, {@link #onNext}, {@link #onError}, {@link #onComplete}) and the handle the run
 * closes. Each frame becomes a {@link DockerStats#reading}; every way the stream ends before
 * {@link #close} (the engine unreachable, an error status, an unreadable frame, a broken connection,
 * or the engine ending the response) is told to the listener's {@link UsageListener#failed}, once.
 * A response that arrives after {@link #close} is closed at once, so a stream closed while it was
 * being opened does not read on (docker-java's own template reopens on start).
 *
 * @apiNote Thread-safe: {@link #close} may be called from any thread, at any time, more than once.
 */
final class DockerJavaStats implements ResultCallback<Statistics>, StatsStream {

    private static final Logger LOG = LoggerFactory.getLogger(DockerJavaStats.class);

    private final String containerId;
    private final UsageListener listener;
    private Closeable response; // guarded by this
    private boolean closed; // guarded by this
    private boolean ended; // guarded by this

    DockerJavaStats(String containerId, UsageListener listener) {
        this.containerId = containerId;
        this.listener = listener;
    }

    @Override
    public void onStart(Closeable stream) {
        synchronized (this) {
            if (!closed) {
                response = stream;
                return;
            }
        }
        Quietly.close(stream);
    }

    @Override
    public void onNext(Statistics s) {
        if (!isClosed()) {
            DockerStats.reading(s).ifPresent(r -> listener.reading(r.cpuNanos(), r.memoryBytes(), r.memoryPeakBytes()));
        }
    }

    /** The stream failed (docker-java then calls {@link #onComplete} too). */
    @Override
    public void onError(Throwable t) {
        end(t);
    }

    /** The response ended: a failure unless the stream was closed first. */
    @Override
    public void onComplete() {
        end(new EOFException("the engine ended the stats stream before it was closed"));
    }

    private void end(Throwable cause) {
        synchronized (this) {
            if (closed || ended) {
                return;
            }
            ended = true;
        }
        LOG.debug("stats of {} failed: {}", containerId, cause.toString());
        try {
            listener.failed(cause);
        } finally {
            close();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        Closeable open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = response;
            response = null;
        }
        if (open != null) {
            Quietly.close(open);
        }
    }
}
