package dev.containerrunner.plugin.execution;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One object made on first use and closed at the end: a backend's client, the S3 store, the app's
 * backend and audit log. Making it may do I/O; nothing is made before {@link #get()}.
 *
 * @param <T> what is made
 * @apiNote Thread-safe: concurrent first calls make one object (the others wait for it).
 */
public final class Lazy<T> implements Supplier<T>, AutoCloseable {

    private final Supplier<? extends T> factory;
    private final Consumer<? super T> closer;
    private T value;
    private boolean closed;

    /**
     * @param factory makes the object; what it throws is thrown by {@link #get()}, and the next call tries again
     * @param closer  releases an object that was made
     */
    public Lazy(Supplier<? extends T> factory, Consumer<? super T> closer) {
        this.factory = factory;
        this.closer = closer;
    }

    /**
     * The object, made now when this is the first call (or the first since {@link #reset()}).
     *
     * @throws IllegalStateException when closed
     */
    @Override
    public synchronized T get() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (value == null) {
            value = factory.get();
        }
        return value;
    }

    /** The object if it was made (and not closed since); never makes it. */
    public synchronized Optional<T> ifMade() {
        return Optional.ofNullable(value);
    }

    /** Closes the object if it was made; the next {@link #get()} makes a new one (unless closed). */
    public synchronized void reset() {
        T made = value;
        value = null;
        if (made != null) {
            closer.accept(made);
        }
    }

    /** Closes the object if it was made; {@link #get()} fails from now on. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        reset();
    }
}
