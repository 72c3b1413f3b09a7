package dev.containerrunner.plugin.docker;

import dev.containerrunner.spi.LogSink;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a Docker run: removing its container and volumes, each step tried whatever the others
 * did (its streams close through {@link Quietly#closeAll}).
 *
 * @apiNote Stateless; safe from any thread.
 */
final class RunCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(RunCleanup.class);

    private RunCleanup() {
    }

    /** Removes the container and volumes, each step tried; false when something could not be removed. */
    static boolean removeAll(DockerGateway gateway, String containerId, List<String> volumes, LogSink log, RuntimeException failure) {
        boolean clean = containerId == null || removed(() -> gateway.removeContainer(containerId), log, failure);
        for (String v : volumes) {
            clean &= removed(() -> gateway.removeVolume(v), log, failure);
        }
        return clean;
    }

    /** Runs one removal; its failure is attached to the run's {@code failure}, or else logged. */
    private static boolean removed(Runnable removal, LogSink log, RuntimeException failure) {
        try {
            removal.run();
            return true;
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("cleanup failed (the janitor retries): {}", e.getMessage(), e);
                log.line(LogSink.Stream.SYSTEM, "cleanup failed (the janitor retries): " + e.getMessage());
            }
            return false;
        }
    }
}
