package dev.containerrunner.plugin.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.Abortable;

/**
 * An object's response body that, closed before its end, aborts the HTTP request rather than
 * reading the rest to reuse the connection (which is what closing the SDK's stream does with the
 * Apache client: a stop after 1 KiB of a 10 GiB object would wait for all of it). Closed at its end
 * (a read gave {@code -1}, or every byte of the known {@code length} was read), it closes normally
 * and the connection goes back to the pool.
 *
 * <p>Aborting is deliberate: whatever the HTTP client then reports while the aborted body is
 * released says only that it was aborted, so it is logged at debug and not thrown from
 * {@link #close()}, where it would replace the outcome that made the caller stop (a cancel, a
 * deadline, a checksum mismatch). (The Apache client reports nothing there.) An exception from the
 * abort itself, or from a close at the end, propagates as it is.
 *
 * @apiNote Not thread-safe: one reader; {@link #close()} is idempotent.
 */
final class AbortOnEarlyClose extends FilterInputStream {

    private static final Logger LOG = LoggerFactory.getLogger(AbortOnEarlyClose.class);

    private final Abortable request;
    private final long length;
    private long read;
    private boolean ended;
    private boolean closed;

    /**
     * @param body    the response body; it is closed by {@link #close()}
     * @param request aborts the request {@code body} belongs to (the SDK's {@code ResponseInputStream})
     * @param length  the body's length in bytes (Content-Length), or {@code -1} when unknown
     */
    AbortOnEarlyClose(InputStream body, Abortable request, long length) {
        super(body);
        this.request = request;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            ended = true;
        } else {
            read++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            ended = true;
        } else {
            read += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        read += Math.max(0, skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Whether the body was read to its end (so that closing it keeps the connection). */
    boolean atEnd() {
        return ended || (length >= 0 && read >= length);
    }

    /** Closes the body: normally at its end, otherwise after aborting the request. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (atEnd()) {
            in.close();
            return;
        }
        request.abort();
        try {
            in.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("releasing an aborted object read ({} bytes read) failed; it was aborted on purpose", read, e);
        }
    }
}
