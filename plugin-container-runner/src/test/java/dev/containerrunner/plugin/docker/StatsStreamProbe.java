package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.fail;

import dev.containerrunner.plugin.execution.UsageSamples;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on what a stats stream's reader thread did, for the stream tests. Test helper. */
final class StatsStreamProbe {

    static final Duration MAX = Duration.ofSeconds(10);

    private StatsStreamProbe() {
    }

    /** Waits up to {@link #MAX} for {@code condition}; fails naming {@code what} if it never holds. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + MAX.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + MAX.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Waits for the stream's failure to reach {@code usage}. */
    static Throwable awaitFailure(UsageSamples usage) throws InterruptedException {
        await("the stream's failure", () -> usage.failure().isPresent());
        return usage.failure().orElseThrow();
    }

    /** Whether a live thread is named {@code name}. */
    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
