package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A listener on one channel-protocol WebSocket (v4.channel.k8s.io) that keeps how the connection
 * ended: the first of its Close or its failure, kept once, and a latch the reading thread waits on.
 * Subclasses read the binary frames; text frames are only acknowledged.
 *
 * @apiNote Thread-safe: fabric8's WebSocket threads call the listener, the run's thread reads it.
 */
abstract class EndingListener implements WebSocket.Listener {

    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<String> ending = new AtomicReference<>();

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
        ending.compareAndSet(null, how);
        ended.countDown();
    }

    /** Whether the connection ended (closed by either side, or failed). */
    final boolean ended() {
        return ended.getCount() == 0;
    }

    /**
     * Waits until the connection ended.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    final void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /**
     * Waits at most {@code max} until the connection ended.
     *
     * @return whether it ended
     * @throws InterruptedException when the waiting thread is interrupted
     */
    final boolean awaitEnd(Duration max) throws InterruptedException {
        return ended.await(max.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Waits until the connection ended or {@code deadlineNanos} ({@link System#nanoTime()}) passed.
     *
     * @return whether it ended
     * @throws InterruptedException when the waiting thread is interrupted
     */
    final boolean awaitUntil(long deadlineNanos) throws InterruptedException {
        return ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** How the connection ended, e.g. "closed (1000)" or "failed: ..."; null while open. */
    final String ending() {
        return ending.get();
    }
}
