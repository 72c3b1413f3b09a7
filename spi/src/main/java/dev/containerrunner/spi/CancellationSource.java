package dev.containerrunner.spi;

import java.util.ArrayList;
import java.util.List;

/** The writable side of a {@link CancellationSignal}, held by the engine. Thread-safe. */
public final class CancellationSource implements CancellationSignal {

    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean cancelled;

    /** Fires every registered callback once. Later calls do nothing. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        RuntimeException first = null;
        for (Runnable r : toRun) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public Registration onCancel(Runnable callback) {
        synchronized (this) {
            if (!cancelled) {
                callbacks.add(callback);
                return () -> {
                    synchronized (CancellationSource.this) {
                        callbacks.remove(callback);
                    }
                };
            }
        }
        callback.run();
        return () -> { };
    }
}
