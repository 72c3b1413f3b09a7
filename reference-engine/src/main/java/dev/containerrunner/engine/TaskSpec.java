package dev.containerrunner.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of a workflow, as written by its author.
 *
 * @param taskId    unique inside the workflow
 * @param function  {@code apps.<publisher>.<app>.<action>}
 * @param kwargs    JSON-shaped arguments; strings may hold {@code {{ key.path }}} references
 * @param resultKey where the result is stored (null: under the task id, not in the run's results)
 * @param dependsOn task ids that must succeed first (references add more implicitly)
 * @param retry     when a failed attempt is tried again ({@link RetryPolicy#NONE}: never)
 * @param exitCodes exit codes that mark the task skipped rather than failed ({@link ExitCodes#NONE}: none)
 */
public record TaskSpec(String taskId, String function, Map<String, Object> kwargs, String resultKey, List<String> dependsOn,
                       RetryPolicy retry, ExitCodes exitCodes) {

    public TaskSpec {
        Objects.requireNonNull(taskId, "task_id");
        kwargs = kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        retry = retry == null ? RetryPolicy.NONE : retry;
        exitCodes = exitCodes == null ? ExitCodes.NONE : exitCodes;
    }

    /** A task tried once, whose exit codes have no special meaning. */
    public TaskSpec(String taskId, String function, Map<String, Object> kwargs, String resultKey, List<String> dependsOn) {
        this(taskId, function, kwargs, resultKey, dependsOn, RetryPolicy.NONE, ExitCodes.NONE);
    }

    /** The key this task's result is stored under: its result_key, or its task id. */
    public String storageKey() {
        return resultKey != null ? resultKey : taskId;
    }
}
