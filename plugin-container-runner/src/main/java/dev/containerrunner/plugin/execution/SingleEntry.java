package dev.containerrunner.plugin.execution;

import java.io.Closeable;
import java.io.IOException;

/** {@link CollectSource.Entries} of one entry, e.g. a file whose header came from a stat. */
public final class SingleEntry implements CollectSource.Entries {

    private CollectSource.Delivery delivery;
    private final Closeable resource;

    /** One {@code delivery}; {@code resource} (may be null) is closed with it. */
    public SingleEntry(CollectSource.Delivery delivery, Closeable resource) {
        this.delivery = delivery;
        this.resource = resource;
    }

    @Override
    public CollectSource.Delivery next() {
        CollectSource.Delivery d = delivery;
        delivery = null;
        return d;
    }

    @Override
    public void close() throws IOException {
        delivery = null;
        if (resource != null) {
            resource.close();
        }
    }
}
