package dev.containerrunner.plugin.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When closing an object's body aborts its request, and what such a close may throw. */
class AbortOnEarlyCloseTest {

    private final AtomicInteger aborts = new AtomicInteger();

    /** A 10-byte body whose close throws {@code onClose} (when not null), as a client may after an abort. */
    private AbortOnEarlyClose body(long length, IOException onClose) {
        return new AbortOnEarlyClose(new ByteArrayInputStream(new byte[10]) {
            @Override
            public void close() throws IOException {
                if (onClose != null) {
                    throw onClose;
                }
            }
        }, aborts::incrementAndGet, length);
    }

    @Test
    void closedBeforeItsEndItAbortsOnceAndWhatTheReleaseThrowsDoesNotEscape() throws Exception {
        AbortOnEarlyClose in = body(10, new IOException("Premature end of Content-Length delimited message body"));
        assertEquals(4, in.read(new byte[4]));
        assertFalse(in.atEnd());
        in.close(); // the outcome that made the caller stop stays the one reported
        in.close();
        assertEquals(1, aborts.get());
    }

    @Test
    void readToItsEndItClosesWithoutAbortAndAFailingCloseIsThrown() throws Exception {
        IOException broken = new IOException("broken");
        AbortOnEarlyClose in = body(10, broken);
        assertEquals(10, in.readAllBytes().length);
        assertTrue(in.atEnd());
        assertSame(broken, assertThrows(IOException.class, in::close));
        assertEquals(0, aborts.get());
    }

    @Test
    void everyByteOfTheKnownLengthReadIsTheEndEvenWithoutAskingForMore() throws Exception {
        AbortOnEarlyClose in = body(10, null);
        assertEquals(10, in.read(new byte[10], 0, 10));
        in.close();
        assertEquals(0, aborts.get());
        AbortOnEarlyClose unknown = body(-1, null);
        assertEquals(10, unknown.read(new byte[10], 0, 10));
        unknown.close(); // no -1 seen, no length known: not known to be at its end
        assertEquals(1, aborts.get());
        AbortOnEarlyClose skipped = body(10, null);
        assertEquals(0, skipped.read());
        skipped.skip(9);
        skipped.close();
        assertEquals(1, aborts.get());
    }
}
