package dev.containerrunner.examples;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.Workflow;
import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The seed's example in Java: the same workflow as {@code examples/run_python_analysis.yaml}, built
 * with {@link WorkflowBuilder} and run by the reference engine.
 */
public final class RunPythonAnalysis {

    static final String SCRIPT = """
            import json
            data = list(range(100))
            print(json.dumps({"result": sum(data)}))
            """;

    private RunPythonAnalysis() {
    }

    public static Workflow workflow() {
        return new WorkflowBuilder("run_python_analysis", "1.0.0")
                .task("analyze", "apps.platform.container_runner.run_with_input", Map.of(
                        "image", "python:3.11-slim",
                        "command", List.of("python", "/input/script.py"),
                        "input_file", Map.of("content", SCRIPT, "path", "/input/script.py"),
                        "timeout_seconds", 60,
                        "memory_limit", "256m"),
                        "python_result")
                .build();
    }

    /** Runs the example with the plugin directory and configuration file given as arguments. */
    public static void main(String[] args) {
        Path plugins = Path.of(args.length > 0 ? args[0] : "plugin-container-runner/target/plugin");
        Path config = Path.of(args.length > 1 ? args[1] : "examples/container-runner.yaml");
        try (WorkflowEngine engine = WorkflowEngine.builder().pluginDirectory(plugins).config(EngineConfig.load(config))
                .logListener((task, stream, line) -> System.err.println("[" + task + "] " + line)).build()) {
            WorkflowRun run = engine.run(workflow());
            System.out.println(run.result("python_result").get("stdout"));
        }
    }
}
