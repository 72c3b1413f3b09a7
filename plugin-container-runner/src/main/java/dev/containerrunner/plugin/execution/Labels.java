package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ActionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The labels on every container and volume the runner creates (public: users and the reaper
 * filter by them). {@link RunLabels} reads them back.
 */
public final class Labels {

    public static final String PREFIX = "dev.containerrunner.";
    public static final String MANAGED_BY = PREFIX + "managed-by";
    public static final String APP = "container_runner";
    public static final String WORKFLOW = PREFIX + "workflow";
    public static final String RUN = PREFIX + "run";
    public static final String TASK = PREFIX + "task";
    public static final String ATTEMPT = PREFIX + "attempt";
    /** The engine's attempt number of the task (1, 2, ... when the engine retries it); not the attempt id above. */
    public static final String ATTEMPT_NUMBER = PREFIX + "attempt-number";
    public static final String CREATED_AT = PREFIX + "created-at";
    /** {@code pid@host} of the JVM that created the object. */
    public static final String OWNER = PREFIX + "owner";
    /** Start time (epoch ms) of that JVM, so a reused pid is not mistaken for the owner. */
    public static final String OWNER_STARTED = PREFIX + "owner-started";
    /** Epoch seconds after which the object is removed whatever its state: a hard bound on its life. */
    public static final String EXPIRES_AT = PREFIX + "expires-at";
    /** Seconds an exited container is kept for collect_output. */
    public static final String RETENTION = PREFIX + "retention-seconds";
    /** The names (never the values) of the secrets a run used, comma-separated; only on runs that used some. */
    public static final String SECRETS = PREFIX + "secrets";
    /** "true" when the object is removed as soon as its workflow run ends. */
    public static final String RELEASE_AT_RUN_END = PREFIX + "release-at-run-end";

    private static final String OWNER_ID = ProcessHandle.current().pid() + "@" + hostName();
    private static final long OWNER_START = startMillis(ProcessHandle.current()).orElse(0L);

    private Labels() {
    }

    /** The label every runner-made object carries; filter on it to find them all. */
    public static Map<String, String> managed() {
        return Map.of(MANAGED_BY, APP);
    }

    /** Every object this JVM made. */
    public static Map<String, String> ownedByThisProcess() {
        return Map.of(MANAGED_BY, APP, OWNER, OWNER_ID, OWNER_STARTED, Long.toString(OWNER_START));
    }

    /** Labels for the objects of one run attempt. */
    public static Map<String, String> forAttempt(ActionContext ctx, String attemptId, Instant expiresAt, Duration retention,
                                                 boolean releaseAtRunEnd) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, APP);
        labels.put(WORKFLOW, ctx.workflowName());
        labels.put(RUN, ctx.runId());
        labels.put(TASK, ctx.taskId());
        labels.put(ATTEMPT, attemptId);
        labels.put(ATTEMPT_NUMBER, Integer.toString(ctx.attempt()));
        labels.put(CREATED_AT, Instant.now().toString());
        labels.put(OWNER, OWNER_ID);
        labels.put(OWNER_STARTED, Long.toString(OWNER_START));
        labels.put(EXPIRES_AT, Long.toString(expiresAt.getEpochSecond()));
        labels.put(RETENTION, Long.toString(retention.toSeconds()));
        labels.put(RELEASE_AT_RUN_END, Boolean.toString(releaseAtRunEnd));
        return labels;
    }

    /** {@code pid@host} of this JVM. */
    public static String ownerId() {
        return OWNER_ID;
    }

    /** Start time (epoch ms) of this JVM, as in {@link #OWNER_STARTED}; 0 when the platform does not say. */
    static long ownerStartMillis() {
        return OWNER_START;
    }

    static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }

    static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                h = "unknown-host";
            }
        }
        return h;
    }
}
