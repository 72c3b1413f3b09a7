package dev.containerrunner.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Workflow} in Java, mirroring the workflow file format:
 *
 * <pre>{@code
 * Workflow wf = new WorkflowBuilder("run_python_analysis", "1.0.0")
 *     .task("run_script", "apps.platform.container_runner.run_with_input",
 *           Map.of("image", "python:3.11-slim", "command", List.of("python3", "/input/script.py"),
 *                  "input_file", Map.of("path", "/input/script.py", "content", script)),
 *           "python_result")
 *     .build();
 * }</pre>
 */
public final class WorkflowBuilder {

    private final String name;
    private final String version;
    private final List<TaskSpec> tasks = new ArrayList<>();

    public WorkflowBuilder(String name, String version) {
        this.name = name;
        this.version = version;
    }

    /** Adds a task whose result is stored under {@code resultKey} (may be null). */
    public WorkflowBuilder task(String taskId, String function, Map<String, ?> kwargs, String resultKey) {
        return task(taskId, function, kwargs, resultKey, List.of());
    }

    /** Adds a task that runs only after the tasks {@code dependsOn} succeeded. */
    public WorkflowBuilder task(String taskId, String function, Map<String, ?> kwargs, String resultKey,
                                List<String> dependsOn) {
        @SuppressWarnings("unchecked")
        Map<String, Object> args = (Map<String, Object>) kwargs;
        tasks.add(new TaskSpec(taskId, function, args, resultKey, dependsOn));
        return this;
    }

    /** Adds dependencies to the task added last. */
    public WorkflowBuilder dependsOn(String... taskIds) {
        TaskSpec last = last("dependsOn");
        List<String> deps = new ArrayList<>(last.dependsOn());
        deps.addAll(Arrays.asList(taskIds));
        tasks.add(new TaskSpec(last.taskId(), last.function(), last.kwargs(), last.resultKey(), deps, last.retry(),
                last.exitCodes()));
        return this;
    }

    /** Gives the task added last a retry policy (the file format's {@code retry}). */
    public WorkflowBuilder retry(RetryPolicy retry) {
        TaskSpec last = last("retry");
        tasks.add(new TaskSpec(last.taskId(), last.function(), last.kwargs(), last.resultKey(), last.dependsOn(), retry,
                last.exitCodes()));
        return this;
    }

    /** Gives the task added last exit codes that skip it (the file format's {@code exit_codes}). */
    public WorkflowBuilder exitCodes(ExitCodes exitCodes) {
        TaskSpec last = last("exitCodes");
        tasks.add(new TaskSpec(last.taskId(), last.function(), last.kwargs(), last.resultKey(), last.dependsOn(), last.retry(),
                exitCodes));
        return this;
    }

    private TaskSpec last(String method) {
        if (tasks.isEmpty()) {
            throw new IllegalStateException(method + "() needs a task() before it");
        }
        return tasks.remove(tasks.size() - 1);
    }

    /** The workflow as built; structural checks happen when an engine plans it. */
    public Workflow build() {
        return new Workflow(name, version, tasks);
    }
}
