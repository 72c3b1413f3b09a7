package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the server sent on one exec WebSocket (channel protocol v4.channel.k8s.io): the command's
 * stdout and stderr (each kept up to 4 KiB), the kubelet's Status on channel 3, and whether and
 * how the connection ended.
 *
 * @apiNote Thread-safe: fabric8's WebSocket threads call the listener, the run's thread reads it.
 */
final class ExecChannels implements WebSocket.Listener {

    /** Bytes kept per channel: the commands here print a line or two. */
    static final int MAX_TEXT = 4096;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte STATUS = 3;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ByteArrayOutputStream status = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String ending;

    @Override
    public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
        if (bytes.remaining() > 0) {
            byte channel = bytes.get();
            ByteArrayOutputStream target = switch (channel) {
                case STDOUT -> stdout;
                case STDERR -> stderr;
                case STATUS -> status;
                default -> null;
            };
            if (target != null) {
                synchronized (this) {
                    int n = Math.max(0, Math.min(bytes.remaining(), MAX_TEXT - target.size()));
                    byte[] b = new byte[n];
                    bytes.get(b);
                    target.write(b, 0, n);
                }
            }
        }
        webSocket.request();
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        webSocket.request();
    }

    @Override
    public void onClose(WebSocket webSocket, int code, String reason) {
        end("closed (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end("failed: " + error);
    }

    private void end(String how) {
        if (ending == null) {
            ending = how;
        }
        ended.countDown();
    }

    /** Whether the connection ended (closed by either side, or failed). */
    boolean ended() {
        return ended.getCount() == 0;
    }

    /**
     * Waits until the connection ended or {@code deadlineNanos} ({@link System#nanoTime()}) passed.
     *
     * @return whether it ended
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        return ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** How the connection ended, e.g. "closed (1000)" or "failed: ..."; null while open. */
    String ending() {
        return ending;
    }

    /** The command's stdout so far (at most 4 KiB), as UTF-8. */
    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    /** The command's stderr so far (at most 4 KiB), trimmed. */
    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8).trim();
    }

    /** The kubelet's Status (JSON) for the ended command, or "" when none arrived. */
    synchronized String status() {
        return status.toString(StandardCharsets.UTF_8).trim();
    }

    /** Whether the kubelet reported the command ended with exit code 0. */
    synchronized boolean succeeded() {
        return status().replace(" ", "").contains("\"status\":\"Success\"");
    }
}
