package dev.containerrunner.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of one workflow run: its status, each task's outcome and the results stored under
 * result_keys. It succeeded when no task failed (tasks skipped for their exit code, and their
 * dependents, do not fail it).
 */
public record WorkflowRun(String workflow, String version, String runId, boolean succeeded,
                          Map<String, Map<String, Object>> results, List<TaskOutcome> tasks) {

    /** The result stored under {@code resultKey}, or null. */
    public Map<String, Object> result(String resultKey) {
        return results.get(resultKey);
    }

    /** The CLI's JSON document (public API: keys are kept stable). */
    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflow", workflow);
        doc.put("version", version);
        doc.put("run_id", runId);
        doc.put("status", succeeded ? "succeeded" : "failed");
        doc.put("results", results);
        List<Map<String, Object>> taskDocs = new ArrayList<>();
        for (TaskOutcome t : tasks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", t.taskId());
            m.put("function", t.function());
            m.put("status", t.status().jsonName());
            m.put("duration_seconds", t.durationSeconds());
            m.put("error", t.error());
            m.put("failure_reason", t.failureReason());
            m.put("retryable", t.retryable());
            m.put("attempts", t.attempts());
            taskDocs.add(m);
        }
        doc.put("tasks", taskDocs);
        return doc;
    }
}
