package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.Attachment;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.UsageListener;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link StreamTransport} through docker-java's own commands, for engines not on a local Unix
 * socket (TCP, TLS). docker-java's httpclient5 transport never half-closes stdin (docker-java
 * #1448), so a stdin attach is ended by closing it once every byte was read.
 *
 * @apiNote Thread-safe: the docker-java client is, and every call has its own callback.
 */
final class DockerJavaTransport implements StreamTransport {

    /** How long the engine may take to open the output stream of an attach. */
    static final Duration ATTACH_START = Duration.ofSeconds(30);
    private static final Duration CLOSER_POLL = Duration.ofMillis(200);

    private final DockerClient client;
    private final DockerHttpClient http;
    private final DockerErrors errors;

    /** Streams through {@code client}, failures worded by {@code errors}; without {@code http} stat reads a header. */
    DockerJavaTransport(DockerClient client, DockerErrors errors) {
        this(client, null, errors);
    }

    /** Streams through {@code client}, asks {@code http} (the same client's transport) for stats. */
    DockerJavaTransport(DockerClient client, DockerHttpClient http, DockerErrors errors) {
        this.client = client;
        this.http = http;
        this.errors = errors;
    }

    @Override
    public void copyInto(String containerId, String directory, InputStream archive) {
        errors.run("copy into " + directory, () -> client.copyArchiveToContainerCmd(containerId)
                .withRemotePath(directory).withTarInputStream(archive).exec());
    }

    @Override
    public InputStream copyOut(String containerId, String path) {
        return errors.call("copy " + path + " out", () -> client.copyArchiveFromContainerCmd(containerId, path).exec());
    }

    /**
     * {@code HEAD} through docker-java's HTTP client (docker-java has no command for it). Without
     * that client, the archive's first header is read instead and the stream closed, which on this
     * transport reads the rest of the archive first (httpclient5 drains a body it closes).
     */
    @Override
    public DockerPathStat stat(String containerId, String path) {
        String operation = "stat " + path;
        if (http == null) {
            return errors.call(operation, () -> statFromArchive(containerId, path));
        }
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method("HEAD")
                .path("/containers/" + containerId + "/archive?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)).build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            int code = response.getStatusCode();
            if (code / 100 != 2) {
                throw DockerErrors.status(operation, code, "HTTP " + code);
            }
            String stat = response.getHeader(DockerPathStat.HEADER);
            if (stat == null) {
                throw new ContainerEngineException(operation, "the engine answered without " + DockerPathStat.HEADER, null);
            }
            return DockerPathStat.parse(stat);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ContainerEngineException engine) {
                throw engine;
            }
            throw errors.engineFailure(operation, e);
        }
    }

    private DockerPathStat statFromArchive(String containerId, String path) {
        return DockerPathStat.firstHeader(client.copyArchiveFromContainerCmd(containerId, path).exec(),
                new ContainerEngineException("stat " + path, "the engine returned an empty archive", null));
    }

    @Override
    public Attachment attachOutput(String containerId, OutputListener listener) {
        FrameCallback callback = new FrameCallback(listener);
        errors.call("attach", () -> client.attachContainerCmd(containerId)
                .withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false).exec(callback));
        try {
            if (!callback.awaitStarted(ATTACH_START.toSeconds(), TimeUnit.SECONDS)) {
                callback.close();
                throw errors.noAnswer("attach", "did not open the output stream within " + ATTACH_START.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.close();
            throw new ContainerEngineException("attach", "interrupted", e);
        }
        return callback;
    }

    @Override
    public Attachment attachStdin(String containerId, byte[] data) {
        CountDownLatch consumed = new CountDownLatch(1);
        InputStream in = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n < 0) {
                    consumed.countDown();
                }
                return n;
            }
        };
        FrameCallback callback = new FrameCallback(null);
        errors.call("attach stdin", () -> client.attachContainerCmd(containerId).withStdIn(in).withFollowStream(true).exec(callback));
        Thread closer = new Thread(() -> closeWhenConsumed(callback, consumed),
                "stdin-closer-" + containerId.substring(0, Math.min(12, containerId.length())));
        closer.setDaemon(true);
        closer.start();
        return new Attachment() {
            @Override
            public boolean awaitEnd(Duration max) {
                return callback.awaitEnd(max);
            }

            @Override
            public void close() {
                closer.interrupt();
                callback.close();
            }
        };
    }

    /**
     * Once every byte has been handed to the socket, ends the attach; with StdinOnce the engine then
     * closes stdin. The copy can finish before the attach reports its start (tiny inputs), and
     * closing an attach that has not started closes nothing: waits for both.
     */
    private static void closeWhenConsumed(FrameCallback callback, CountDownLatch consumed) {
        try {
            while (!callback.awaitStarted(CLOSER_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (callback.ended()) {
                    return;
                }
            }
            while (!consumed.await(CLOSER_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (callback.ended()) {
                    return;
                }
            }
            callback.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public DockerGateway.StatsStream stats(String containerId, UsageListener listener) {
        return errors.call("stats", () -> DockerStats.stream(client, containerId, listener));
    }

    @Override
    public String toString() {
        return "docker-java streams";
    }
}
