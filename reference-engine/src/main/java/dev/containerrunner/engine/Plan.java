package dev.containerrunner.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated workflow, ready to run: tasks in a dependency order, each with its resolved action
 * and every task it depends on (explicit or through references).
 */
public record Plan(Workflow workflow, List<PlannedTask> tasks, Map<String, String> storageKeys) {

    /** One task with its action and its complete set of prerequisites. */
    public record PlannedTask(TaskSpec spec, AppCatalog.ResolvedAction action, Set<String> dependencies) {
    }
}
