package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A connection the runner stopped waiting for (timeout, interrupt) is cancelled, and a socket that
 * opens anyway is closed at once: no leaked WebSocket, no command left waiting for stdin.
 */
class EndingListenerConnectTest {

    /** A socket that counts its Close frames. */
    private static final class Socket implements WebSocket {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public boolean send(ByteBuffer buffer) {
            return true;
        }

        @Override
        public boolean sendClose(int code, String reason) {
            return closes.incrementAndGet() == 1;
        }

        @Override
        public long queueSize() {
            return 0;
        }

        @Override
        public void request() {
        }
    }

    /** A builder whose connection completes only when the test says so. */
    private static final class Builder implements WebSocket.Builder {
        final CompletableFuture<WebSocket> pending;

        Builder(CompletableFuture<WebSocket> pending) {
            this.pending = pending;
        }

        @Override
        public CompletableFuture<WebSocket> buildAsync(WebSocket.Listener listener) {
            return pending;
        }

        @Override
        public WebSocket.Builder subprotocol(String protocol) {
            return this;
        }

        @Override
        public WebSocket.Builder header(String name, String value) {
            return this;
        }

        @Override
        public WebSocket.Builder setHeader(String name, String value) {
            return this;
        }

        @Override
        public WebSocket.Builder uri(URI uri) {
            return this;
        }

        @Override
        public WebSocket.Builder connectTimeout(long timeout, TimeUnit unit) {
            return this;
        }
    }

    private static EndingListener listener() {
        return new EndingListener() {
            @Override
            public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
            }
        };
    }

    @Test
    void aConnectionInTimeIsReturnedOpen() throws Exception {
        Socket socket = new Socket();
        EndingListener listener = listener();
        WebSocket ws = EndingListener.connect(new Builder(CompletableFuture.completedFuture(socket)), listener, 1000);
        listener.onOpen(ws);
        assertSame(socket, ws);
        assertEquals(0, socket.closes.get());
    }

    @Test
    void aTimedOutConnectionIsCancelledAndClosedWhenItOpensLate() {
        CompletableFuture<WebSocket> pending = new CompletableFuture<>();
        EndingListener listener = listener();
        assertThrows(TimeoutException.class, () -> EndingListener.connect(new Builder(pending), listener, 20));
        assertTrue(pending.isCancelled(), "the pending connection is cancelled");
        Socket late = new Socket();
        listener.onOpen(late); // the HTTP client opened it anyway
        assertEquals(1, late.closes.get(), "the late socket is closed at once");
    }

    @Test
    void aSocketThatOpenedJustBeforeTheTimeoutIsClosed() {
        CompletableFuture<WebSocket> pending = new CompletableFuture<>();
        EndingListener listener = listener();
        Socket early = new Socket();
        listener.onOpen(early); // opened, but the future had not completed within the wait
        assertThrows(TimeoutException.class, () -> EndingListener.connect(new Builder(pending), listener, 20));
        assertEquals(1, early.closes.get());
    }

    @Test
    void anInterruptedWaitCancelsTheConnection() {
        CompletableFuture<WebSocket> pending = new CompletableFuture<>();
        EndingListener listener = listener();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> EndingListener.connect(new Builder(pending), listener, 10_000));
        } finally {
            Thread.interrupted();
        }
        assertTrue(pending.isCancelled());
        Socket late = new Socket();
        listener.onOpen(late);
        assertEquals(1, late.closes.get());
    }

    @Test
    void aFutureThatCannotBeCancelledAnyMoreIsClosedWhenItCompletes() {
        // a future that ignores cancel (the HTTP client completes it regardless)
        CompletableFuture<WebSocket> stubborn = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return false;
            }
        };
        EndingListener listener = listener();
        assertThrows(TimeoutException.class, () -> EndingListener.connect(new Builder(stubborn), listener, 20));
        Socket late = new Socket();
        stubborn.complete(late);
        assertTrue(late.closes.get() >= 1, "closed through the future");
    }
}
