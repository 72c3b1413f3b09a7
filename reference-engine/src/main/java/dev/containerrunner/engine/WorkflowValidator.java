package dev.containerrunner.engine;

import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.KwargsValidator;
import dev.containerrunner.spi.TaskAppException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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
            List<Templates.Reference> references = Templates.references(t.kwargs());
            for (Templates.Reference ref : references) {
                if (!storageKeys.containsKey(ref.key())) {
                    throw new WorkflowDefinitionException("task '" + t.taskId() + "': reference " + ref.text()
                            + " names no result_key or task_id of this workflow");
                }
                deps.add(keyOwner.getOrDefault(ref.key(), ref.key())); // a result_key's task, or a task id
            }
            if (deps.contains(t.taskId())) {
                throw new WorkflowDefinitionException("task '" + t.taskId() + "' depends on itself");
            }
            checkKwargs(t, action, references.isEmpty());
            planned.put(t.taskId(), new Plan.PlannedTask(t, action, Set.copyOf(deps)));
        }
        return new Plan(wf, order(planned), Map.copyOf(storageKeys));
    }

    private static void checkKwargs(TaskSpec t, AppCatalog.ResolvedAction action, boolean noReferences) {
        try {
            Map<String, Object> filled = KwargsValidator.validate(action.action(), t.kwargs(), Templates::isWholeReference);
            if (noReferences) {
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

    /**
     * Kahn's algorithm in O(tasks + edges), keeping the written order among ready tasks: each
     * finished task releases only its own dependents. A cycle is named by its members.
     */
    private static List<Plan.PlannedTask> order(Map<String, Plan.PlannedTask> tasks) {
        Map<String, Integer> missing = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        tasks.forEach((id, t) -> {
            missing.put(id, t.dependencies().size());
            t.dependencies().forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(id));
            if (t.dependencies().isEmpty()) {
                ready.add(id);
            }
        });
        List<Plan.PlannedTask> ordered = new ArrayList<>(tasks.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            ordered.add(tasks.get(id));
            for (String dependent : dependents.getOrDefault(id, List.of())) {
                if (missing.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() != tasks.size()) {
            throw new WorkflowDefinitionException("tasks " + cycle(tasks, missing) + " form a dependency cycle");
        }
        return ordered;
    }

    /**
     * One cycle among the tasks Kahn's algorithm could not order, in written order. Each of them
     * waits for at least one other such task, so following those waits must come back to a task.
     */
    private static List<String> cycle(Map<String, Plan.PlannedTask> tasks, Map<String, Integer> missing) {
        Map<String, Integer> step = new HashMap<>();
        List<String> path = new ArrayList<>();
        String current = tasks.keySet().stream().filter(id -> missing.get(id) > 0).findFirst().orElseThrow();
        while (!step.containsKey(current)) {
            step.put(current, path.size());
            path.add(current);
            current = tasks.get(current).dependencies().stream().filter(d -> missing.get(d) > 0).findFirst().orElseThrow();
        }
        Set<String> members = new HashSet<>(path.subList(step.get(current), path.size()));
        return tasks.keySet().stream().filter(members::contains).toList();
    }
}
