package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.CancellationSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cancellation and the deadline close a blocked read at once; the skip budget is counted by bytes. */
class CollectGuardTest {

    @Test
    void cancellationClosesABlockedReadAndSaysWhy() throws Exception {
        CancellationSource cancel = new CancellationSource();
        CountDownLatch closed = new CountDownLatch(1);
        InputStream blocked = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("stream closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        try (CollectGuard guard = CollectGuard.start(cancel, Duration.ofMinutes(10), 0)) {
            InputStream in = guard.meter(guard.attach(blocked));
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    in.read(new byte[10]);
                    return null;
                } catch (IOException | RuntimeException e) {
                    return e;
                }
            });
            Thread.sleep(200);
            long t0 = System.nanoTime();
            cancel.cancel();
            Throwable t = reader.get(5, TimeUnit.SECONDS);
            assertTrue((System.nanoTime() - t0) / 1e9 < 5);
            CollectAbortedException e = assertThrows(CollectAbortedException.class, () -> {
                throw t;
            });
            assertEquals(CollectedFile.Reason.CANCELLED, e.reason());
            assertTrue(e.wholeAction());
            assertEquals("the task was cancelled", e.getMessage());
        }
    }

    @Test
    void theDeadlineStopsTheAction() throws Exception {
        try (CollectGuard guard = CollectGuard.start(CancellationSignal.never(), Duration.ofMillis(150), 0)) {
            guard.check();
            Thread.sleep(400);
            CollectAbortedException e = assertThrows(CollectAbortedException.class, guard::check);
            assertEquals(CollectedFile.Reason.BUDGET_EXCEEDED, e.reason());
            assertEquals("collect_timeout_seconds (0 s) passed", e.getMessage());
        }
    }

    @Test
    void bytesReadWithoutBeingDeliveredAreCountedAgainstTheSkipBudget() throws IOException {
        try (CollectGuard guard = CollectGuard.start(CancellationSignal.never(), Duration.ofMinutes(1), 100)) {
            InputStream in = guard.meter(new ByteArrayInputStream(new byte[1000]));
            byte[] buf = new byte[50];
            assertEquals(50, in.read(buf));
            guard.delivered(50);
            assertEquals(50, in.read(buf));
            assertEquals(50, in.read(buf));
            CollectAbortedException e = assertThrows(CollectAbortedException.class, () -> in.skip(500));
            assertFalse(e.wholeAction(), "only the tree being read stops");
            assertEquals(CollectedFile.Reason.BUDGET_EXCEEDED, e.reason());
        }
    }
}
