package dev.containerrunner.plugin.docker;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Best-effort waits and closes for the stream code, where giving up is the answer and not an error. */
final class Quietly {

    private static final Logger LOG = LoggerFactory.getLogger(Quietly.class);

    private Quietly() {
    }

    /** Waits for {@code latch} up to {@code max}; false on timeout or interruption (the flag is kept). */
    static boolean await(CountDownLatch latch, Duration max) {
        try {
            return latch.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes {@code c}; a failure is logged at debug: the resource is unusable either way. */
    static void close(Closeable c) {
        closeAll(c);
    }

    /** Closes each non-null of {@code closeables}; a failure is logged at debug and the rest still close. */
    static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing {} failed; it is unusable either way", c, e);
                }
            }
        }
    }
}
