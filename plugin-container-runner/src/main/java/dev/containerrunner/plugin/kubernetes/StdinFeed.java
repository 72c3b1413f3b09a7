package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * input_data for the main container: sent on a daemon thread through a stdin-only attach WebSocket,
 * one frame at a time, then the attach is ended. The container was created with {@code stdinOnce},
 * so ending the attach closes its stdin.
 *
 * <p>Each frame is handed over only after the socket took the previous one completely
 * ({@link WebSocket#queueSize()} is 0), and the Close frame only after the last one: the JDK's
 * WebSocket refuses a send while another is pending ("Send pending"), which fabric8's
 * {@code ExecWatch} input stream turns into a lost frame. Its outcome ({@link #problem}) tells the
 * run whether every byte was delivered; the container may end without reading its input, which
 * is no delivery problem.
 *
 * @apiNote Thread-safe: {@link #finish} and {@link #close} by the run's thread, the sending on its own.
 */
final class StdinFeed implements AutoCloseable {

    /** Bytes of input_data per WebSocket frame. */
    static final int CHUNK = 256 * 1024;
    /** The v4 channel protocol's stdin channel: the first byte of each frame. */
    private static final byte STDIN_CHANNEL = 0;
    /** How often the queue is checked while the socket has not taken the previous frame. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How long the sending thread may take to stop once asked. */
    private static final Duration STOP = Duration.ofSeconds(5);

    private final byte[] data;
    private final LogSink log;
    private final AttachSession session = new AttachSession();
    private final Thread writer;
    private final AtomicLong handed = new AtomicLong();
    private volatile String failure;
    private volatile boolean stoppedByRunner;

    private StdinFeed(byte[] data, LogSink log, KubernetesClient client, String namespace, String pod) {
        this.data = data;
        this.log = log;
        this.writer = new Thread(() -> send(client, namespace, pod), "container-runner-stdin-" + pod);
        this.writer.setDaemon(true);
    }

    /**
     * Starts writing {@code data} to the main container's stdin of {@code pod}.
     *
     * @param log where the outcome is reported
     */
    static StdinFeed start(KubernetesClient client, String namespace, String pod, byte[] data, LogSink log) {
        StdinFeed feed = new StdinFeed(data, log, client, namespace, pod);
        feed.writer.start();
        return feed;
    }

    private void send(KubernetesClient client, String namespace, String pod) {
        WebSocket ws = null;
        try {
            ws = connect(client, namespace, pod);
            if (!pump(ws, data, session, handed)) {
                failure = "the WebSocket refused a frame while the connection was open";
            } else if (handed.get() == data.length) {
                ws.sendClose(1000, "input_data sent");
                session.awaitEnd(); // the server answers the Close once it read every frame before it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            failure = "attaching failed: " + e.getCause();
        } catch (TimeoutException e) {
            failure = "attaching did not complete within " + client.getConfiguration().getRequestTimeout() + " ms";
        } catch (RuntimeException e) {
            failure = "sending failed: " + e;
        } finally {
            if (ws != null) {
                ws.sendClose(1000, "input_data ended"); // refused (false) when already closed
            }
        }
    }

    private WebSocket connect(KubernetesClient client, String namespace, String pod)
            throws InterruptedException, ExecutionException, TimeoutException {
        long timeoutMs = client.getConfiguration().getRequestTimeout();
        URI uri = URI.create(URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace,
                "pods", pod, "attach?container=" + PodSpecs.MAIN + "&stdin=true"));
        return EndingListener.connect(client.getHttpClient().newWebSocketBuilder()
                .subprotocol("v4.channel.k8s.io")
                .uri(uri)
                .connectTimeout(timeoutMs, TimeUnit.MILLISECONDS), session, timeoutMs);
    }

    /**
     * Sends {@code data} on the stdin channel of {@code ws}, {@link #CHUNK} bytes a frame, each only
     * after the socket took the previous one, and waits until it took the last; stops when the
     * connection ended.
     *
     * @param handed set to how many bytes the socket took completely so far
     * @return false when a send was refused while the connection was open
     * @throws InterruptedException when the sending thread is interrupted (the run stops it)
     */
    /** How long a refused send waits for the connection's end to be reported before it counts as a loss. */
    static final java.time.Duration REFUSED_SEND_SETTLE = java.time.Duration.ofSeconds(5);

    static boolean pump(WebSocket ws, byte[] data, AttachSession session, AtomicLong handed) throws InterruptedException {
        for (int off = 0; off < data.length; off += CHUNK) {
            if (!drained(ws, session)) {
                return true;
            }
            handed.set(off);
            int n = Math.min(CHUNK, data.length - off);
            ByteBuffer frame = ByteBuffer.allocate(n + 1).put(STDIN_CHANNEL).put(data, off, n).flip();
            if (!ws.send(frame)) {
                // the previous frame was taken, so a refusal means the connection is closing: the server
                // ended the attach (the container closed its stdin or ended); its Close may still be on the way
                session.awaitEnd(REFUSED_SEND_SETTLE);
                return session.ended();
            }
        }
        if (drained(ws, session)) {
            handed.set(data.length);
        }
        return true;
    }

    /** Waits until the socket took every queued frame; false when the connection ended first. */
    private static boolean drained(WebSocket ws, AttachSession session) throws InterruptedException {
        while (ws.queueSize() > 0) {
            if (session.ended()) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped while sending input_data");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return !session.ended();
    }

    /**
     * The container ended: waits at most {@code grace} for the sending to end (the server ends the
     * attach when the container ended), else stops it. Call before {@link #problem}.
     */
    void finish(Duration grace) {
        try {
            writer.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    /**
     * Why input_data was not delivered whole, as the run's error; empty when every byte was
     * handed to the connection before the attach was ended, or when the container ended the attach
     * (or ended while it was still open) before reading the rest. Valid after {@link #finish}.
     */
    Optional<String> problem() {
        long sent = handed.get();
        if (sent == data.length) {
            return Optional.empty();
        }
        if (failure == null && (session.endedCleanly() || stoppedByRunner)) {
            log.line(LogSink.Stream.SYSTEM, "input_data: the container ended its stdin after " + sent + " of "
                    + data.length + " bytes (it did not read the rest)");
            return Optional.empty();
        }
        String why = failure != null ? failure : "the attach connection " + session.ending() + " while the container ran";
        return Optional.of("input_data: only " + sent + " of " + data.length
                + " bytes were delivered to the container's stdin (" + why + ")");
    }

    private void stop() {
        if (writer.isAlive()) {
            stoppedByRunner = true;
            writer.interrupt();
            try {
                writer.join(STOP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops writing (interrupts the writer and waits briefly for it); idempotent. */
    @Override
    public void close() {
        stop();
    }
}
