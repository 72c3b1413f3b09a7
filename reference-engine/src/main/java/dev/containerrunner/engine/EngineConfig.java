package dev.containerrunner.engine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine's configuration file (YAML or JSON):
 *
 * <pre>
 * apps:
 *   container_runner:        # the app's name; its section goes to TaskApp.configure
 *     allowed_images: ["python:3.11-slim"]
 * engine:
 *   max_parallel_tasks: 4    # optional
 * </pre>
 */
public record EngineConfig(Map<String, Map<String, Object>> apps, int maxParallelTasks) {

    public static final int DEFAULT_MAX_PARALLEL_TASKS = 4;
    private static final Set<String> TOP = Set.of("apps", "engine");

    public static EngineConfig empty() {
        return new EngineConfig(Map.of(), DEFAULT_MAX_PARALLEL_TASKS);
    }

    /** Reads a configuration file (see {@link Json#readObjectFile}: UTF-8, one document, duplicate keys refused). */
    public static EngineConfig load(Path file) {
        return fromMap(Json.readObjectFile(file, "configuration file"), file.toString());
    }

    public static EngineConfig fromMap(Map<String, Object> doc, String origin) {
        for (String key : doc.keySet()) {
            if (!TOP.contains(key)) {
                throw new WorkflowDefinitionException(origin + ": unknown configuration key '" + key + "'; allowed: [apps, engine]");
            }
        }
        Map<String, Map<String, Object>> apps = new LinkedHashMap<>();
        Object appsValue = doc.getOrDefault("apps", Map.of());
        if (!(appsValue instanceof Map<?, ?> appsMap)) {
            throw new WorkflowDefinitionException(origin + ": 'apps' must be an object keyed by app name");
        }
        for (Map.Entry<?, ?> e : appsMap.entrySet()) {
            Object section = e.getValue() == null ? Map.of() : e.getValue();
            if (!(section instanceof Map<?, ?>)) {
                throw new WorkflowDefinitionException(origin + ": 'apps." + e.getKey() + "' must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) section;
            apps.put(String.valueOf(e.getKey()), s);
        }
        int parallel = DEFAULT_MAX_PARALLEL_TASKS;
        Object engineValue = doc.getOrDefault("engine", Map.of());
        if (!(engineValue instanceof Map<?, ?> engine)) {
            throw new WorkflowDefinitionException(origin + ": 'engine' must be an object");
        }
        for (Map.Entry<?, ?> e : engine.entrySet()) {
            if (!"max_parallel_tasks".equals(e.getKey())) {
                throw new WorkflowDefinitionException(origin + ": unknown key 'engine." + e.getKey() + "'; allowed: [max_parallel_tasks]");
            }
            if (!(e.getValue() instanceof Integer n) || n < 1 || n > 256) {
                throw new WorkflowDefinitionException(origin + ": 'engine.max_parallel_tasks' must be an integer from 1 to 256,"
                        + " got " + e.getValue());
            }
            parallel = n;
        }
        return new EngineConfig(apps, parallel);
    }
}
