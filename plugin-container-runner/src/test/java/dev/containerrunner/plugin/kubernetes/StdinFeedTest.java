package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StdinFeed#pump} against a socket with the JDK WebSocket's rule (one pending send at a
 * time; a second is refused, "Send pending") and a slow reader: the case that lost the last pieces
 * of a 16 MiB input through fabric8's ExecWatch stream.
 */
class StdinFeedTest {

    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopReader() {
        reader.shutdownNow();
    }

    /** One frame in flight at most; the reader takes one every {@code delayMs}, until {@code stopAfter} says stop. */
    private class SlowSocket implements WebSocket {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final AtomicLong queued = new AtomicLong();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger frames = new AtomicInteger();
        final long delayMs;
        final IntPredicate stopAfter;
        final AttachSession session;

        SlowSocket(long delayMs, IntPredicate stopAfter, AttachSession session) {
            this.delayMs = delayMs;
            this.stopAfter = stopAfter;
            this.session = session;
        }

        @Override
        public boolean send(ByteBuffer buffer) {
            if (!queued.compareAndSet(0, buffer.remaining())) {
                refused.incrementAndGet();
                return false;
            }
            ByteBuffer copy = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
            reader.schedule(() -> {
                if (stopAfter.test(frames.get())) {
                    session.onClose(this, 1000, "container ended");
                } else {
                    assertEquals(0, copy.get(), "stdin channel");
                    synchronized (received) {
                        received.write(copy.array(), 1, copy.remaining());
                    }
                    frames.incrementAndGet();
                }
                queued.set(0);
            }, delayMs, TimeUnit.MILLISECONDS);
            return true;
        }

        @Override
        public boolean sendClose(int code, String reason) {
            return true;
        }

        @Override
        public long queueSize() {
            return queued.get();
        }

        @Override
        public void request() {
        }
    }

    private static byte[] input(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + i / 7);
        }
        return data;
    }

    @Test
    void aSlowReaderGetsEveryByteInOrderAndNoSendIsRefused() throws Exception {
        byte[] data = input(4 * StdinFeed.CHUNK + 4);
        AttachSession session = new AttachSession();
        SlowSocket ws = new SlowSocket(20, frames -> false, session);
        AtomicLong handed = new AtomicLong();

        assertTrue(StdinFeed.pump(ws, data, session, handed));

        assertEquals(data.length, handed.get());
        assertEquals(0, ws.refused.get());
        assertArrayEquals(data, ws.received.toByteArray());
    }

    @Test
    void theContainerEndingTheAttachStopsSendingAndCountsOnlyWhatWasTaken() throws Exception {
        byte[] data = input(8 * StdinFeed.CHUNK);
        AttachSession session = new AttachSession();
        SlowSocket ws = new SlowSocket(5, frames -> frames == 3, session);
        AtomicLong handed = new AtomicLong();

        assertTrue(StdinFeed.pump(ws, data, session, handed));

        assertEquals(3L * StdinFeed.CHUNK, handed.get());
        assertEquals(3L * StdinFeed.CHUNK, ws.received.size());
        assertTrue(session.endedCleanly());
        assertEquals(0, ws.refused.get());
    }

    @Test
    void aRefusedSendWhileOpenIsReported() throws Exception {
        AttachSession session = new AttachSession();
        WebSocket refusing = new SlowSocket(5, frames -> false, session) {
            @Override
            public boolean send(ByteBuffer buffer) {
                return false;
            }
        };
        AtomicLong handed = new AtomicLong();

        assertFalse(StdinFeed.pump(refusing, input(10), session, handed));
        assertEquals(0, handed.get());
    }

    @Test
    void anAbortIsNoCleanEnd() {
        AttachSession session = new AttachSession();
        session.onClose(null, AttachSession.ABORTED, "Aborted the WebSocket");
        assertTrue(session.ended());
        assertFalse(session.endedCleanly());
    }
}
