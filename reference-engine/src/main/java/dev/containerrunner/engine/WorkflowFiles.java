package dev.containerrunner.engine;

import dev.containerrunner.spi.ParameterType;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Workflow files in YAML or JSON:
 *
 * <pre>
 * name: run_python_analysis
 * version: 1.0.0
 * tasks:
 *   - task_id: run_script
 *     function: apps.platform.container_runner.run_with_input
 *     kwargs: {image: python:3.11-slim, command: [python3, /input/script.py], ...}
 *     result_key: python_result
 *     depends_on: []          # optional
 *     retry: {max_attempts: 3, initial_backoff_seconds: 1, backoff_factor: 2, max_backoff_seconds: 60, on: [...]}  # optional
 *     exit_codes: {skip: [99]}                                                                               # optional
 * </pre>
 */
public final class WorkflowFiles {

    private static final Set<String> WORKFLOW_FIELDS = Set.of("name", "version", "description", "tasks");
    private static final Set<String> TASK_FIELDS = Set.of("task_id", "function", "kwargs", "result_key", "depends_on", "retry",
            "exit_codes");

    private WorkflowFiles() {
    }

    /** Reads a workflow file (see {@link Json#readObjectFile}: UTF-8, one document, duplicate keys refused). */
    public static Workflow load(Path file) {
        return fromMap(Json.readObjectFile(file, "workflow file"), file.toString());
    }

    /** Reads a workflow from its JSON-shaped form; {@code origin} is used in error messages. */
    public static Workflow fromMap(Map<String, Object> doc, String origin) {
        unknownFields(doc, WORKFLOW_FIELDS, origin);
        String name = string(doc, "name", origin, true);
        String version = version(doc.get("version"), origin);
        string(doc, "description", origin, false);
        Object tasksValue = doc.get("tasks");
        if (!(tasksValue instanceof List<?> rawTasks)) {
            throw new WorkflowDefinitionException(origin + ": 'tasks' must be a list of tasks");
        }
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < rawTasks.size(); i++) {
            String where = origin + ": tasks[" + i + "]";
            if (!(rawTasks.get(i) instanceof Map<?, ?> raw)) {
                throw new WorkflowDefinitionException(where + " must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) raw;
            unknownFields(t, TASK_FIELDS, where);
            String taskId = string(t, "task_id", where, true);
            where = origin + ": task '" + taskId + "'";
            Object kwargs = t.getOrDefault("kwargs", Map.of());
            if (!(kwargs instanceof Map<?, ?>)) {
                throw new WorkflowDefinitionException(where + ": 'kwargs' must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> kw = (Map<String, Object>) kwargs;
            tasks.add(new TaskSpec(taskId, string(t, "function", where, true), kw, string(t, "result_key", where, false),
                    stringList(t.get("depends_on"), where), TaskRules.retry(notNull(t, "retry", where), where),
                    TaskRules.exitCodes(notNull(t, "exit_codes", where), where)));
        }
        return new Workflow(name, version, tasks);
    }

    /**
     * A string, or an integer written without quotes. A YAML float such as {@code 1.10} is refused:
     * it would become {@code 1.1}.
     */
    private static String version(Object v, String origin) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            return v.toString();
        }
        throw new WorkflowDefinitionException(origin + ": 'version' must be a string (quote it, e.g. version: \"1.10\"),"
                + " got " + ParameterType.describe(v) + " " + v);
    }

    private static void unknownFields(Map<String, Object> map, Set<String> allowed, String where) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw new WorkflowDefinitionException(where + ": unknown field '" + key + "'; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    private static String string(Map<String, Object> map, String key, String where, boolean required) {
        Object v = map.get(key);
        if (v == null) {
            if (required) {
                throw new WorkflowDefinitionException(where + ": '" + key + "' is required");
            }
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new WorkflowDefinitionException(where + ": '" + key + "' must be a non-empty string");
        }
        return s;
    }

    private static List<String> stringList(Object v, String where) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new WorkflowDefinitionException(where + ": 'depends_on' must be a list of task ids");
    }

    /** The value of an optional task field; written as null ({@code ~}) it is refused, never read as absent. */
    private static Object notNull(Map<?, ?> task, String field, String where) {
        if (task.containsKey(field) && task.get(field) == null) {
            throw new WorkflowDefinitionException(where + ": '" + field + "' must not be null; leave it out for the default");
        }
        return task.get(field);
    }
}
