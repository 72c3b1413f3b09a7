package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.LogSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Receives a container's output frames: keeps at most {@code maxBytes} per stream for the result
 * (marking it truncated beyond that) while every line still goes live to the log sink. Memory use
 * is bounded whatever the container prints.
 */
public final class OutputCapture implements OutputListener {

    /** A line longer than this is passed to the log sink in pieces. */
    static final int MAX_LINE = 16 * 1024;

    private final Stream stdout;
    private final Stream stderr;
    private volatile Throwable error;

    public OutputCapture(long maxBytes, LogSink sink) {
        this.stdout = new Stream(maxBytes, sink, LogSink.Stream.STDOUT);
        this.stderr = new Stream(maxBytes, sink, LogSink.Stream.STDERR);
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
        private long total;
        private boolean truncated;

        Stream(long max, LogSink sink, LogSink.Stream kind) {
            this.max = max;
            this.sink = sink;
            this.kind = kind;
        }

        synchronized void accept(byte[] bytes) {
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
                } else if (line.size() + (i - start) >= MAX_LINE) {
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
            sink.line(kind, text);
        }

        synchronized void flushLine() {
            if (line.size() > 0) {
                emit();
            }
        }

        public synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }

        public synchronized boolean truncated() {
            return truncated;
        }

        synchronized long totalBytes() {
            return total;
        }
    }
}
