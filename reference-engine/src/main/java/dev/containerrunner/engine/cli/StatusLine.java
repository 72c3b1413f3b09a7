package dev.containerrunner.engine.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * stderr with an optional status line kept below everything else written to it. Every write first
 * erases the status line (carriage return, then erase-to-end-of-line {@code ESC [ K}); once the
 * output is back at the start of a line the status line is drawn again. Task lines, log messages of
 * the engine and plugins (they all write to this stream) therefore scroll above one line that is
 * updated in place. Until {@link #show} is called this stream passes bytes through unchanged: no
 * control sequence is ever written unless a status is shown. Thread-safe.
 */
final class StatusLine extends OutputStream {

    private static final byte[] ERASE = "\r\u001b[K".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private byte[] status;
    private boolean shown;
    private boolean atLineStart = true;

    StatusLine(OutputStream out) {
        this.out = out;
    }

    /**
     * Shows {@code text} (one line without line breaks, at most the terminal's width) as the status
     * line, now if the output is at the start of a line, else as soon as it is.
     */
    synchronized void show(String text) throws IOException {
        status = text.getBytes(StandardCharsets.UTF_8);
        if (atLineStart) {
            draw();
            out.flush();
        }
    }

    /** Erases the status line and stops showing one. Idempotent. */
    synchronized void clear() throws IOException {
        status = null;
        erase();
        out.flush();
    }

    @Override
    public synchronized void write(int b) throws IOException {
        erase();
        out.write(b);
        atLineStart = b == '\n';
        if (atLineStart) {
            draw();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        erase();
        out.write(b, off, len);
        atLineStart = b[off + len - 1] == '\n';
        if (atLineStart) {
            draw();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** Erases the status line and flushes; the stream below stays open (it is stderr). */
    @Override
    public void close() throws IOException {
        clear();
    }

    private void erase() throws IOException {
        if (shown) {
            out.write(ERASE);
            shown = false;
        }
    }

    private void draw() throws IOException {
        if (status != null) {
            erase();
            out.write(status);
            shown = true;
        }
    }
}
