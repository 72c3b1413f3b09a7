package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EndingListenerTest {

    private static EndingListener listener() {
        return new EndingListener() {
            @Override
            public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
            }
        };
    }

    @Test
    void openUntilClosedAndKeepsTheFirstEnd() throws InterruptedException {
        EndingListener end = listener();
        assertFalse(end.ended());
        assertNull(end.ending());
        assertFalse(end.awaitUntil(System.nanoTime()));
        assertFalse(end.awaitEnd(Duration.ofMillis(10)));

        end.onClose(null, 1000, "");
        end.onError(null, new IOException("late"));
        end.onClose(null, 1006, "Aborted");

        assertTrue(end.ended());
        assertTrue(end.awaitUntil(System.nanoTime() - 1));
        assertTrue(end.awaitEnd(Duration.ZERO));
        end.awaitEnd();
        assertEquals("closed (1000)", end.ending());
    }

    @Test
    void aFailureNamesItsCauseAndACloseItsReason() {
        EndingListener failed = listener();
        failed.onError(null, new IOException("reset"));
        assertEquals("failed: java.io.IOException: reset", failed.ending());

        EndingListener closed = listener();
        closed.onClose(null, 1011, "internal error");
        assertEquals("closed (1011 internal error)", closed.ending());
    }

    @Test
    void racingEndsKeepExactlyOneOfThem() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            EndingListener end = listener();
            CountDownLatch go = new CountDownLatch(1);
            Thread closer = new Thread(() -> { awaitQuietly(go); end.onClose(null, 1000, null); });
            Thread failer = new Thread(() -> { awaitQuietly(go); end.onError(null, new IOException("x")); });
            closer.start();
            failer.start();
            go.countDown();
            closer.join();
            failer.join();
            String how = end.ending();
            assertTrue(how.equals("closed (1000)") || how.equals("failed: java.io.IOException: x"), how);
            assertEquals(how, end.ending(), "the first end stays");
        }
    }

    private static void awaitQuietly(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
