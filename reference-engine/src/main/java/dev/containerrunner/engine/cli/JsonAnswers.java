package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.Plan;
import dev.containerrunner.engine.Workflow;
import dev.containerrunner.engine.plugins.InstalledApp;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of {@code apps} and {@code validate} for scripts (public API: keys and their
 * order are kept byte for byte, see {@code WorkflowCliGoldenTest}); {@link HumanTables} has the same
 * facts for people.
 */
final class JsonAnswers {

    private JsonAnswers() {
    }

    /** {@code {"apps": [{"id", "publisher", "name", "version", "source", "actions": [...]}]}}. */
    static Map<String, Object> apps(Collection<InstalledApp> installedApps) {
        List<Map<String, Object>> apps = new ArrayList<>();
        for (InstalledApp installed : installedApps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", installed.app().id());
            m.put("publisher", installed.app().publisher());
            m.put("name", installed.app().name());
            m.put("version", installed.app().version());
            m.put("source", installed.source());
            List<Map<String, Object>> actions = new ArrayList<>();
            for (ActionDefinition action : installed.actions().actions()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("name", action.name());
                am.put("function", "apps." + installed.app().id() + "." + action.name());
                am.put("description", action.description());
                List<Map<String, Object>> params = new ArrayList<>();
                for (ParameterSpec p : action.parameters()) {
                    Map<String, Object> pm = new LinkedHashMap<>();
                    pm.put("name", p.name());
                    pm.put("type", p.type().jsonName());
                    pm.put("required", p.required());
                    pm.put("default", p.defaultValue());
                    pm.put("doc", p.doc());
                    params.add(pm);
                }
                am.put("parameters", params);
                actions.add(am);
            }
            m.put("actions", actions);
            apps.add(m);
        }
        return Map.of("apps", apps);
    }

    /** {@code {"workflow", "version", "valid": true, "tasks": [{"task_id", "function", "result_key", "depends_on"}]}}. */
    static Map<String, Object> validation(Workflow wf, Plan plan) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workflow", wf.name());
        doc.put("version", wf.version());
        doc.put("valid", true);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (Plan.PlannedTask t : plan.tasks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", t.spec().taskId());
            m.put("function", t.spec().function());
            m.put("result_key", t.spec().resultKey());
            m.put("depends_on", t.dependencies().stream().sorted().toList());
            tasks.add(m);
        }
        doc.put("tasks", tasks);
        return doc;
    }
}
