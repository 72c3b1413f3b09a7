package dev.containerrunner.engine;

import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.KwargsValidator;
import dev.containerrunner.spi.TaskAppException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a workflow before anything runs and turns it into a {@link Plan}: names, functions,
 * kwargs, duplicates, dependencies, references and cycles. Every problem is a
 * {@link WorkflowDefinitionException} naming the task and the thing at fault.
 */
final class WorkflowValidator {

    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private WorkflowValidator() {
    }

    static Plan plan(Workflow wf, AppCatalog catalog) {
        if (wf.name() == null || wf.name().isBlank()) {
            throw new WorkflowDefinitionException("workflow 'name' is missing");
        }
        if (wf.tasks().isEmpty()) {
            throw new WorkflowDefinitionException("workflow '" + wf.name() + "' has no tasks");
        }
        Map<String, TaskSpec> byId = new LinkedHashMap<>();
        Map<String, String> keyOwner = new HashMap<>(); // result_key -> task id
        for (TaskSpec t : wf.tasks()) {
            if (!ID.matcher(t.taskId()).matches()) {
                throw new WorkflowDefinitionException("task_id '" + t.taskId() + "' must match " + ID.pattern());
            }
            if (byId.putIfAbsent(t.taskId(), t) != null) {
                throw new WorkflowDefinitionException("task_id '" + t.taskId() + "' is used by two tasks");
            }
        }
        for (TaskSpec t : wf.tasks()) {
            if (t.resultKey() != null) {
                if (!ID.matcher(t.resultKey()).matches()) {
                    throw new WorkflowDefinitionException("task '" + t.taskId() + "': result_key '" + t.resultKey()
                            + "' must match " + ID.pattern());
                }
                String owner = keyOwner.putIfAbsent(t.resultKey(), t.taskId());
                if (owner != null) {
                    throw new WorkflowDefinitionException("result_key '" + t.resultKey() + "' is used by tasks '" + owner
                            + "' and '" + t.taskId() + "'");
                }
                if (byId.containsKey(t.resultKey()) && !t.resultKey().equals(t.taskId())) {
                    throw new WorkflowDefinitionException("result_key '" + t.resultKey() + "' of task '" + t.taskId()
                            + "' is also the task_id of another task; references to it would be ambiguous");
                }
            }
        }
        Map<String, String> storageKeys = new HashMap<>();
        for (TaskSpec t : wf.tasks()) {
            storageKeys.put(t.taskId(), t.storageKey());
            if (t.resultKey() != null) {
                storageKeys.put(t.resultKey(), t.storageKey());
            }
        }

        Map<String, Plan.PlannedTask> planned = new LinkedHashMap<>();
        for (TaskSpec t : wf.tasks()) {
            AppCatalog.ResolvedAction action;
            try {
                action = catalog.resolve(t.function());
            } catch (WorkflowDefinitionException e) {
                throw new WorkflowDefinitionException("task '" + t.taskId() + "': " + e.getMessage(), e);
            }
            Set<String> deps = new LinkedHashSet<>();
            for (String d : t.dependsOn()) {
                if (!byId.containsKey(d)) {
                    throw new WorkflowDefinitionException("task '" + t.taskId() + "' depends_on unknown task '" + d + "'");
                }
                deps.add(d);
            }
            for (Templates.Reference ref : Templates.references(t.kwargs())) {
                if (!storageKeys.containsKey(ref.key())) {
                    throw new WorkflowDefinitionException("task '" + t.taskId() + "': reference " + ref.text()
                            + " names no result_key or task_id of this workflow");
                }
                deps.add(keyOwner.getOrDefault(ref.key(), ref.key())); // a result_key's task, or a task id
            }
            if (deps.contains(t.taskId())) {
                throw new WorkflowDefinitionException("task '" + t.taskId() + "' depends on itself");
            }
            checkKwargs(t, action);
            planned.put(t.taskId(), new Plan.PlannedTask(t, action, Set.copyOf(deps)));
        }
        return new Plan(wf, order(planned), Map.copyOf(storageKeys));
    }

    private static void checkKwargs(TaskSpec t, AppCatalog.ResolvedAction action) {
        try {
            Map<String, Object> filled = KwargsValidator.validate(action.action(), t.kwargs(), Templates::isWholeReference);
            if (Templates.references(t.kwargs()).isEmpty()) {
                action.action().validator().check(filled);
            }
        } catch (InvalidKwargsException e) {
            throw new WorkflowDefinitionException("task '" + t.taskId() + "' (" + t.function() + "): " + e.getMessage(), e);
        } catch (TaskAppException e) {
            throw e;
        } catch (RuntimeException e) { // an app's validator that fails untyped still refuses the workflow
            throw new WorkflowDefinitionException("task '" + t.taskId() + "' (" + t.function() + "): the app's validation"
                    + " failed: " + e, e);
        }
    }

    /** Kahn's algorithm, keeping the written order among ready tasks; a cycle is named. */
    private static List<Plan.PlannedTask> order(Map<String, Plan.PlannedTask> tasks) {
        Map<String, Integer> missing = new LinkedHashMap<>();
        tasks.forEach((id, t) -> missing.put(id, t.dependencies().size()));
        List<Plan.PlannedTask> ordered = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>();
        missing.forEach((id, n) -> {
            if (n == 0) {
                ready.add(id);
            }
        });
        while (!ready.isEmpty()) {
            String id = ready.poll();
            ordered.add(tasks.get(id));
            for (Plan.PlannedTask t : tasks.values()) {
                if (t.dependencies().contains(id) && missing.merge(t.spec().taskId(), -1, Integer::sum) == 0) {
                    ready.add(t.spec().taskId());
                }
            }
        }
        if (ordered.size() != tasks.size()) {
            List<String> cyclic = missing.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
            throw new WorkflowDefinitionException("tasks " + cyclic + " form a dependency cycle");
        }
        return ordered;
    }
}
