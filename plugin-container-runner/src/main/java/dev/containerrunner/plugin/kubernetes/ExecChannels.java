package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the server sent on one exec WebSocket (channel protocol v4.channel.k8s.io): the command's
 * stdout and stderr (each kept up to 4 KiB), the kubelet's Status on channel 3, and whether and
 * how the connection ended.
 *
 * @apiNote Thread-safe: fabric8's WebSocket threads call the listener, the run's thread reads it.
 */
final class ExecChannels extends EndingListener {

    /** Bytes kept per channel: the commands here print a line or two. */
    static final int MAX_TEXT = 4096;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte STATUS = 3;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ByteArrayOutputStream status = new ByteArrayOutputStream();

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
