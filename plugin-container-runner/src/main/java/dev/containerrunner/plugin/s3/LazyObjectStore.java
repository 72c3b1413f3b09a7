package dev.containerrunner.plugin.s3;

import dev.containerrunner.plugin.config.S3Config;
import java.util.Optional;
import java.util.function.Supplier;

/** The S3 store of a backend, created on the first upload and closed with the backend. */
public final class LazyObjectStore implements Supplier<ObjectStore>, AutoCloseable {

    private final Optional<S3Config> config;
    private ObjectStore store;
    private boolean closed;

    public LazyObjectStore(Optional<S3Config> config) {
        this.config = config;
    }

    @Override
    public synchronized ObjectStore get() {
        if (closed) {
            throw new IllegalStateException("the container_runner app is closed");
        }
        if (store == null) {
            store = S3ObjectStore.create(config.orElseThrow(() -> new IllegalStateException("no S3 store is configured")));
        }
        return store;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
