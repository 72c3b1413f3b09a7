package dev.containerrunner.spi;

/** A read-only view of a task's cancellation. */
public interface CancellationSignal {

    boolean isCancelled();

    /**
     * Runs {@code callback} once when cancellation happens (at once if it already has).
     * Closing the returned handle unregisters the callback.
     */
    Registration onCancel(Runnable callback);

    /** A registered callback; closing it is idempotent. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A signal that never fires. */
    static CancellationSignal never() {
        return new CancellationSource();
    }
}
