package dev.containerrunner.engine;

import dev.containerrunner.spi.LogSink;

/** Receives every live line of every task, e.g. to print it. Must be thread-safe. */
@FunctionalInterface
public interface TaskLogListener {

    void line(String taskId, LogSink.Stream stream, String line);
}
