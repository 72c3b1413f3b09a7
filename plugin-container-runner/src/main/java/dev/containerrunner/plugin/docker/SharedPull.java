package dev.containerrunner.plugin.docker;

import dev.containerrunner.spi.LogSink;
import java.io.Closeable;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One pull of one image reference that every task needing that image waits for: the tasks join it,
 * its progress lines go to all of their logs, and it is stopped when the last of them stops waiting
 * (cancelled) before it finished.
 *
 * @apiNote Thread-safe: joined and left by task threads, finished by the engine's stream thread or
 *          the timeout.
 */
final class SharedPull {

    /** Why a pull ended early: every task that waited for it was cancelled. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the pull was stopped: every task waiting for it was cancelled");
        }
    }

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Set<LogSink> watchers = new CopyOnWriteArraySet<>();
    private final long startedNanos = System.nanoTime();
    private volatile Optional<String> credentialSource = Optional.empty();
    private volatile Closeable stream;
    private int waiters; // guarded by this
    private boolean stopped; // guarded by this

    SharedPull() {
        done.whenComplete((v, e) -> { // however it ends: finished, failed, timed out, stopped
            Closeable s = stream;
            if (s != null) {
                Quietly.close(s);
            }
        });
    }

    /** Completes when the pull finished: normally, or exceptionally with the engine's error, a timeout or {@link Stopped}. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** A task waits for this pull from now on; false when it was already stopped (start another). */
    synchronized boolean join(LogSink log) {
        if (stopped) {
            return false;
        }
        waiters++;
        watchers.add(log);
        return true;
    }

    /** A task no longer waits; the last one leaving before the end stops the pull. */
    void leave(LogSink log) {
        watchers.remove(log);
        synchronized (this) {
            waiters--;
            if (waiters > 0 || done.isDone()) {
                return;
            }
            stopped = true;
        }
        finish(new Stopped());
    }

    /** Sends {@code line} to the log of every task waiting. */
    void log(String line) {
        watchers.forEach(w -> w.line(LogSink.Stream.SYSTEM, line));
    }

    /** The engine's stream of this pull, closed when the pull ends (also early: timeout, stop). */
    void streaming(Closeable stream) {
        this.stream = stream;
        if (done.isDone()) {
            Quietly.close(stream);
        }
    }

    /** Where the credentials sent came from; empty for an anonymous pull. */
    Optional<String> credentialSource() {
        return credentialSource;
    }

    void credentialSource(Optional<String> source) {
        this.credentialSource = source;
    }

    /** Seconds since the pull started, to the millisecond. */
    double seconds() {
        return Math.round((System.nanoTime() - startedNanos) / 1e6) / 1000.0;
    }

    /** Ends the pull: successfully when {@code error} is null. Only the first call counts. */
    void finish(Throwable error) {
        if (error == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(error);
        }
    }
}
