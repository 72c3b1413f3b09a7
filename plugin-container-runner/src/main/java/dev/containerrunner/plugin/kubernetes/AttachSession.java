package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.nio.ByteBuffer;

/**
 * What the server did with one stdin-only attach WebSocket (channel protocol v4.channel.k8s.io):
 * whether it ended, and whether it ended it cleanly (a Close frame from the server, or the
 * kubelet's Status on channel 3) or the transport failed.
 *
 * @apiNote Thread-safe: fabric8's WebSocket threads call the listener, the feed's thread reads it.
 */
final class AttachSession extends EndingListener {

    /** The code fabric8's JDK WebSocket reports when it aborted the connection itself (no Close frame arrived). */
    static final int ABORTED = 1006;
    /** The kubelet's Status message: the attach ended on the container's side. */
    private static final byte STATUS_CHANNEL = 3;

    private volatile boolean endedCleanly;

    @Override
    public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
        if (bytes.remaining() > 0 && bytes.get(bytes.position()) == STATUS_CHANNEL) {
            endedCleanly = true;
        }
        webSocket.request();
    }

    @Override
    public void onClose(WebSocket webSocket, int code, String reason) {
        if (code != ABORTED) {
            endedCleanly = true;
        }
        super.onClose(webSocket, code, reason);
    }

    /** Whether the server ended the attach (a Close frame or the kubelet's Status), as it does when the container ended. */
    boolean endedCleanly() {
        return endedCleanly;
    }
}
