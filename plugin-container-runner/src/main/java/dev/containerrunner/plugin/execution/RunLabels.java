package dev.containerrunner.plugin.execution;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The runner's {@link Labels} of one container, volume or Job, parsed once: what the reaper and
 * collect_output decide by. A missing or malformed value reads as its default (no attempt or run,
 * no owner, no hard bound, no retention), so a foreign or damaged object is never mistaken for a
 * removable one by a parse error.
 *
 * @param managed         whether {@link Labels#MANAGED_BY} names this app
 * @param attempt         the run attempt (the unit that is removed), or null
 * @param run             the workflow run id, or null
 * @param owner           {@code pid@host} of the JVM that created the object, or null
 * @param ownerStarted    that JVM's start time in epoch milliseconds, when labelled
 * @param expiresAt       the hard bound on the object's life; {@link Instant#MAX} when unbounded
 * @param retention       how long an ended run is kept for collect_output (zero when not labelled)
 * @param releaseAtRunEnd whether the object goes when its workflow run ends
 */
public record RunLabels(boolean managed, String attempt, String run, String owner, OptionalLong ownerStarted,
                        Instant expiresAt, Duration retention, boolean releaseAtRunEnd) {

    /** The typed view of {@code labels} (labels and, on Kubernetes, annotations merged). */
    public static RunLabels of(Map<String, String> labels) {
        OptionalLong started = number(labels.get(Labels.OWNER_STARTED));
        OptionalLong expires = number(labels.get(Labels.EXPIRES_AT));
        return new RunLabels(Labels.APP.equals(labels.get(Labels.MANAGED_BY)), labels.get(Labels.ATTEMPT),
                labels.get(Labels.RUN), labels.get(Labels.OWNER), started, expires.isPresent() ? epochSecond(expires.getAsLong())
                : Instant.MAX, Duration.ofSeconds(Math.max(0, number(labels.get(Labels.RETENTION)).orElse(0))),
                "true".equals(labels.get(Labels.RELEASE_AT_RUN_END)));
    }

    /** Whether this JVM (same pid, host and start time) created the object. */
    public boolean ownedByThisProcess() {
        return Labels.ownerId().equals(owner) && ownerStarted.isPresent()
                && ownerStarted.getAsLong() == Labels.ownerStartMillis();
    }

    /**
     * Whether the process that created the object is known to be gone: it ran on this host and no
     * process with its pid and start time exists any more. Objects of other hosts are never judged
     * here (their expiry still applies).
     */
    public boolean ownerIsGone() {
        int at = owner == null ? -1 : owner.indexOf('@');
        if (at < 0 || !owner.substring(at + 1).equals(Labels.hostName())) {
            return false;
        }
        OptionalLong pid = number(owner.substring(0, at));
        if (pid.isEmpty()) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.getAsLong());
        if (process.isEmpty()) {
            return true;
        }
        Optional<Long> actual = Labels.startMillis(process.get());
        return ownerStarted.isPresent() && actual.isPresent() && Math.abs(actual.get() - ownerStarted.getAsLong()) > 2000;
    }

    /** Whether the hard bound {@link #expiresAt} has passed at {@code now}. */
    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Whether a run whose main container ended at {@code finishedAt} has outlived its retention at {@code now}. */
    public boolean retentionOver(Instant finishedAt, Instant now) {
        try {
            return !finishedAt.plus(retention).isAfter(now);
        } catch (DateTimeException | ArithmeticException e) {
            return false; // kept beyond the representable: never over
        }
    }

    private static OptionalLong number(String value) {
        try {
            return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Instant epochSecond(long seconds) {
        try {
            return Instant.ofEpochSecond(seconds);
        } catch (DateTimeException e) {
            return seconds < 0 ? Instant.MIN : Instant.MAX;
        }
    }
}
