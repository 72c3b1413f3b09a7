package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ActionContext;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The labels on every container and volume the runner creates (public: users filter by them). */
public final class Labels {

    public static final String PREFIX = "dev.containerrunner.";
    public static final String MANAGED_BY = PREFIX + "managed-by";
    public static final String APP = "container_runner";
    public static final String WORKFLOW = PREFIX + "workflow";
    public static final String RUN = PREFIX + "run";
    public static final String TASK = PREFIX + "task";
    public static final String CREATED_AT = PREFIX + "created-at";
    public static final String OWNER = PREFIX + "owner";

    private Labels() {
    }

    /** The label every runner-made object carries; filter on it to find them all. */
    public static Map<String, String> managed() {
        return Map.of(MANAGED_BY, APP);
    }

    /** Labels for an object made for one task invocation. */
    public static Map<String, String> forTask(ActionContext ctx) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, APP);
        labels.put(WORKFLOW, ctx.workflowName());
        labels.put(RUN, ctx.runId());
        labels.put(TASK, ctx.taskId());
        labels.put(CREATED_AT, Instant.now().toString());
        labels.put(OWNER, ownerId());
        return labels;
    }

    /** {@code pid@host} of this JVM. */
    public static String ownerId() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }
}
