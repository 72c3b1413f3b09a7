package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.LogSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Receives a container's output frames: keeps at most {@code maxBytes} per stream for the result
 * (marking it truncated beyond that) while every line still goes live to the log sink. Memory use
 * is bounded whatever the container prints.
 *
 * <p>Streams are bytes: the result returns them as text when they are valid UTF-8 and as base64
 * otherwise ({@link Stream#encoded}); a truncated stream is cut at a character boundary. Log lines
 * are split at character boundaries and their control characters neutralised ({@link LogText}).
 *
 * <p>With a {@link Redactor}, each stream passes through it before anything else sees its bytes:
 * the kept bytes, their encoding and the live lines carry {@value Redactor#MARK} for a secret's
 * value, also when the value arrived split across two reads.
 *
 * @apiNote {@link #onOutput} may be called from a reader thread while the run's thread reads the
 *          streams; each stream is synchronized.
 */
public final class OutputCapture implements OutputListener {

    /** A line longer than this is passed to the log sink in pieces. */
    static final int MAX_LINE = 16 * 1024;

    private final Stream stdout;
    private final Stream stderr;
    private volatile Throwable error;

    public OutputCapture(long maxBytes, LogSink sink) {
        this(maxBytes, sink, Redactor.none());
    }

    /** A capture whose streams pass through {@code redactor} first. */
    public OutputCapture(long maxBytes, LogSink sink, Redactor redactor) {
        this.stdout = new Stream(maxBytes, sink, LogSink.Stream.STDOUT, redactor.stream());
        this.stderr = new Stream(maxBytes, sink, LogSink.Stream.STDERR, redactor.stream());
    }

    @Override
    public void onOutput(StreamKind kind, byte[] bytes) {
        (kind == StreamKind.STDOUT ? stdout : stderr).accept(bytes);
    }

    @Override
    public void onEnd(Throwable failure) {
        this.error = failure;
        stdout.flushLine();
        stderr.flushLine();
    }

    public Throwable error() {
        return error;
    }

    public Stream stdout() {
        return stdout;
    }

    public Stream stderr() {
        return stderr;
    }

    /** One output stream: a bounded buffer and a line splitter. */
    public static final class Stream {
        private final long max;
        private final LogSink sink;
        private final LogSink.Stream kind;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Redactor.Stream redaction;
        private long total;
        private boolean truncated;

        Stream(long max, LogSink sink, LogSink.Stream kind, Redactor.Stream redaction) {
            this.max = max;
            this.sink = sink;
            this.kind = kind;
            this.redaction = redaction;
        }

        synchronized void accept(byte[] raw) {
            keep(redaction.accept(raw));
        }

        private void keep(byte[] bytes) {
            total += bytes.length;
            long room = max - kept.size();
            if (room >= bytes.length) {
                kept.write(bytes, 0, bytes.length);
            } else {
                if (room > 0) {
                    kept.write(bytes, 0, (int) room);
                }
                truncated = true;
            }
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    line.write(bytes, start, i - start);
                    emit();
                    start = i + 1;
                } else if (line.size() + (i - start) >= MAX_LINE && !continuation(bytes[i])) {
                    // split before a character's first byte, never inside it (lines <= MAX_LINE + 3 bytes)
                    line.write(bytes, start, i - start);
                    emit();
                    start = i;
                }
            }
            line.write(bytes, start, bytes.length - start);
        }

        private void emit() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            sink.line(kind, LogText.neutralize(text));
        }

        private static boolean continuation(byte b) {
            return (b & 0xC0) == 0x80;
        }

        synchronized void flushLine() {
            keep(redaction.finish());
            if (line.size() > 0) {
                emit();
            }
        }

        /**
         * What was kept, as text (valid UTF-8) or base64 (anything else). A truncated stream that is
         * text once an incomplete character at the cut is dropped is cut at that character boundary;
         * one that is not text is returned as base64 of exactly the {@code max_output_bytes} kept.
         */
        public synchronized Encoded encoded() {
            byte[] bytes = kept.toByteArray();
            int end = truncated ? characterBoundary(bytes) : bytes.length;
            if (end == bytes.length) {
                return Encoded.ofText(bytes);
            }
            Encoded text = Encoded.ofText(java.util.Arrays.copyOf(bytes, end));
            return "utf-8".equals(text.encoding()) ? text : Encoded.base64(bytes); // binary: no byte dropped
        }

        /** {@link #encoded}'s text: the stream as a string, or its base64 when it is not UTF-8. */
        public String text() {
            return encoded().text();
        }

        /**
         * The length of {@code bytes} without a UTF-8 sequence that the cut left incomplete at its
         * end (at most 3 bytes are dropped; bytes that are not UTF-8 anyway are kept).
         */
        static int characterBoundary(byte[] bytes) {
            int n = bytes.length;
            int lead = n - 1;
            while (lead >= 0 && n - lead <= 3 && continuation(bytes[lead])) {
                lead--;
            }
            if (lead < 0) {
                return n;
            }
            int b = bytes[lead] & 0xFF;
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            return need > 1 && n - lead < need ? lead : n;
        }

        public synchronized boolean truncated() {
            return truncated;
        }

        /** Whether a secret's value was replaced in this stream. */
        public synchronized boolean redacted() {
            return redaction.redacted();
        }

        /** Every byte the container wrote to this stream so far, kept or not (for the output metric). */
        public synchronized long totalBytes() {
            return total;
        }
    }
}
