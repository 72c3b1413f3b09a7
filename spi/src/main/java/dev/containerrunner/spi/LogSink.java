package dev.containerrunner.spi;

/** Receives live lines from a running action. Implementations must be thread-safe. */
@FunctionalInterface
public interface LogSink {

    /** Which stream a line came from. */
    enum Stream { STDOUT, STDERR, SYSTEM }

    void line(Stream stream, String line);

    /** A sink that drops everything. */
    static LogSink discarding() {
        return (stream, line) -> { };
    }
}
