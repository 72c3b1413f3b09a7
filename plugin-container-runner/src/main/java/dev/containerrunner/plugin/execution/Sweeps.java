package dev.containerrunner.plugin.execution;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The periodic sweep both backends' reapers run. */
public final class Sweeps {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeps.class);

    private Sweeps() {
    }

    /**
     * Runs {@code sweep} every {@code interval} on one daemon thread; a failed sweep is logged and
     * the next one runs as planned. Shared by the Docker and Kubernetes reapers.
     */
    public static ScheduledExecutorService every(Duration interval, String threadName, Runnable sweep) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                LOG.warn("janitor sweep failed: {}", e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }
}
