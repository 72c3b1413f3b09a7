package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A listener on one channel-protocol WebSocket (v4.channel.k8s.io) that keeps how the connection
 * ended: the first of its Close or its failure, kept once, and a latch the reading thread waits on.
 * Subclasses read the binary frames; text frames are only acknowledged. A connection the runner
 * stopped waiting for ({@link #connect}) is closed as soon as it opens, so a late handshake leaks no
 * socket and leaves no command waiting for stdin in the pod.
 *
 * @apiNote Thread-safe: fabric8's WebSocket threads call the listener, the run's thread reads it.
 */
abstract class EndingListener implements WebSocket.Listener {

    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<String> ending = new AtomicReference<>();
    private final AtomicReference<WebSocket> opened = new AtomicReference<>();
    private volatile boolean abandoned;

    /**
     * Connects {@code builder}'s WebSocket with {@code listener} and waits at most {@code timeoutMs}
     * for the handshake. When the wait times out or is interrupted, the pending connection is
     * cancelled and abandoned: if it opens anyway (or opened meanwhile), it is closed at once.
     *
     * @return the open WebSocket
     * @throws ExecutionException when the connection failed (the cause says why)
     * @throws TimeoutException when it did not open within {@code timeoutMs}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    static WebSocket connect(WebSocket.Builder builder, EndingListener listener, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<WebSocket> pending = builder.buildAsync(listener);
        try {
            return pending.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            listener.abandon();
            pending.cancel(true);
            pending.thenAccept(EndingListener::closeAbandoned); // it completed after all (the cancel came too late)
            throw e;
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        opened.set(webSocket);
        if (abandoned) {
            closeAbandoned(webSocket);
        }
    }

    /** The runner stopped waiting for this connection: closes it if it opened, and whenever it opens later. */
    private void abandon() {
        abandoned = true;
        WebSocket ws = opened.get();
        if (ws != null) {
            closeAbandoned(ws);
        }
    }

    private static void closeAbandoned(WebSocket ws) {
        ws.sendClose(1000, "the runner stopped waiting for this connection"); // false when it is already closing
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
