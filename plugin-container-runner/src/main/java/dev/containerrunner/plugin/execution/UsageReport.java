package dev.containerrunner.plugin.execution;

import java.util.Map;
import java.util.Objects;

/**
 * A run's resource usage as reported: measured ({@code usage} set, {@code unavailable} null) or
 * not ({@code usage} null, {@code unavailable} saying why). Immutable.
 */
public record UsageReport(ResourceUsage usage, UsageUnavailable unavailable) {

    /** The result and audit key of the usage object. */
    public static final String RESULT_KEY = "usage";

    public UsageReport {
        if ((usage == null) == (unavailable == null)) {
            throw new IllegalArgumentException("exactly one of usage and unavailable: " + usage + ", " + unavailable);
        }
    }

    /** Measured usage. */
    public static UsageReport measured(ResourceUsage usage) {
        return new UsageReport(Objects.requireNonNull(usage, "usage"), null);
    }

    /** No usage, for {@code reason}. */
    public static UsageReport unavailable(UsageUnavailable reason) {
        return new UsageReport(null, Objects.requireNonNull(reason, "reason"));
    }

    /** Puts {@code usage} (an object or null) and {@code usage_unavailable_reason} (null when measured) into {@code m}. */
    public void putInto(Map<String, Object> m) {
        m.put(RESULT_KEY, usage == null ? null : usage.toMap());
        m.put(UsageUnavailable.RESULT_KEY, unavailable == null ? null : unavailable.wireName());
    }
}
