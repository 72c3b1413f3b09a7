package dev.containerrunner.plugin.execution;

/**
 * Receives a container's raw output as the backend reads it.
 *
 * @apiNote Called from the backend's reader thread (one per stream source); implementations must
 *          be safe to call from a thread other than the run's.
 */
public interface OutputListener {

    /** A chunk of {@code stream}; {@code bytes} is not retained by the caller. */
    void onOutput(StreamKind stream, byte[] bytes);

    /** The output ended (container exited or the stream closed); {@code error} is null when clean. */
    void onEnd(Throwable error);
}
