package dev.containerrunner.engine;

import java.util.List;

/** A workflow definition: a name, a version and its tasks. Validated by {@link WorkflowValidator}. */
public record Workflow(String name, String version, List<TaskSpec> tasks) {

    public Workflow {
        tasks = List.copyOf(tasks);
    }
}
