package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the server did with one stdin-only attach WebSocket (channel protocol v4.channel.k8s.io):
 * whether it ended, and whether it ended it cleanly (a Close frame from the server, or the
 * kubelet's Status on channel 3) or the transport failed.
 *
 * @apiNote Thread-safe: fabric8's WebSocket threads call the listener, the feed's thread reads it.
 */
final class AttachSession implements WebSocket.Listener {

    /** The code fabric8's JDK WebSocket reports when it aborted the connection itself (no Close frame arrived). */
    static final int ABORTED = 1006;
    /** The kubelet's Status message: the attach ended on the container's side. */
    private static final byte STATUS_CHANNEL = 3;

    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean endedCleanly;
    private volatile String ending;

    @Override
    public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
        if (bytes.remaining() > 0 && bytes.get(bytes.position()) == STATUS_CHANNEL) {
            endedCleanly = true;
        }
        webSocket.request();
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        webSocket.request();
    }

    @Override
    public void onClose(WebSocket webSocket, int code, String reason) {
        if (code != ABORTED) {
            endedCleanly = true;
        }
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
     * Waits until the connection ended.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /** Waits at most {@code max} for the connection's end; returns early when it ended. */
    void awaitEnd(java.time.Duration max) throws InterruptedException {
        ended.await(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Waits at most {@code millis} ms until the connection ended.
     *
     * @return whether it ended
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the server ended the attach (a Close frame or the kubelet's Status), as it does when the container ended. */
    boolean endedCleanly() {
        return endedCleanly;
    }

    /** How the connection ended, e.g. "closed (1000)" or "failed: ..."; null while open. */
    String ending() {
        return ending;
    }
}
