package dev.containerrunner.plugin.docker;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The engine's timestamps (RFC 3339, e.g. a container's {@code State.FinishedAt}). */
final class EngineTime {

    private EngineTime() {
    }

    /** The engine's timestamp, or null for its "never" (year 1) and for what does not parse. */
    static Instant instant(String text) {
        if (text == null || text.isEmpty() || text.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
