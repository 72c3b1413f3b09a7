package dev.containerrunner.benchmarks;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.Json;
import dev.containerrunner.engine.Workflow;
import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowFiles;
import dev.containerrunner.engine.WorkflowRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Section 6: the engine's own cost for large workflows, without containers or Docker (its own
 * {@code main}, so its classpath needs only the engine). For each shape and
 * size: {@code engine.validate} (planning), loading the same workflow from a JSON file plus
 * validating it (the CLI's path), and a run whose actions return at once (scheduling). Shapes: a
 * chain (each task references the previous one's result) and a wide fan-out (every task
 * depends_on one root).
 *
 * <p>{@code ValidationBench [REPEATS=3] [MAX_RUN_TASKS=100000] [SIZES=10000,100000]}; see benchmarks/run.sh.
 */
public final class ValidationBench {

    private final StringBuilder report = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int maxRunSize = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        List<Integer> sizes = Arrays.stream((args.length > 2 ? args[2] : "10000,100000").split(","))
                .map(Integer::parseInt).toList();
        ValidationBench b = new ValidationBench();
        b.out("# container_runner benchmarks%n%n");
        b.out("date: %s, machine: %d cores, max heap %d MiB%n%n", java.time.LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        b.run(sizes, repeats, maxRunSize);
        Files.writeString(Path.of("benchmarks/last-run.md"), b.report.toString());
    }

    private void out(String format, Object... args) {
        String s = String.format(format, args);
        System.out.print(s);
        report.append(s);
    }

    void run(List<Integer> sizes, int repeats, int maxRunSize) throws Exception {
        out("## 6. Validation and scheduling of large workflows, no containers (s, median of %d)%n%n", repeats);
        out("| shape | tasks | dependency edges | validate | load JSON file + validate | run, no-op actions |%n"
                + "|---|---|---|---|---|---|%n");
        Path dir = Files.createTempDirectory("bench-validation");
        try (WorkflowEngine engine = WorkflowEngine.builder()
                .config(EngineConfig.fromMap(Map.of("engine", Map.of("max_parallel_tasks", 4)), "bench")).build()) {
            for (String shape : List.of("chain", "fan-out")) {
                for (int n : sizes) {
                    Workflow wf = workflow(shape, n);
                    Path file = dir.resolve(shape + "-" + n + ".json");
                    Files.writeString(file, Json.write(document(wf)));
                    double validate = median(repeats, () -> engine.validate(wf));
                    double load = median(repeats, () -> engine.validate(WorkflowFiles.load(file)));
                    String run = "—";
                    if (n <= maxRunSize) {
                        run = String.format("%.2f", median(1, () -> {
                            WorkflowRun r = engine.run(wf);
                            if (!r.succeeded()) {
                                throw new IllegalStateException(shape + " run failed: " + r.tasks().get(0));
                            }
                            return r;
                        }));
                    }
                    out("| %s | %,d | %,d | %.2f | %.2f | %s |%n", shape, n, n - 1, validate, load, run);
                    Files.delete(file);
                }
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        out("%n");
    }

    static Workflow workflow(String shape, int n) {
        WorkflowBuilder b = new WorkflowBuilder("bench_" + shape.replace('-', '_'), "1");
        b.task("t0", NoopApp.FUNCTION, Map.of("image", "busybox:1", "value", 0), null);
        for (int i = 1; i < n; i++) {
            if (shape.equals("chain")) {
                b.task("t" + i, NoopApp.FUNCTION, Map.of("image", "busybox:1", "value", "{{ t" + (i - 1) + ".value }}"), null);
            } else {
                b.task("t" + i, NoopApp.FUNCTION, Map.of("image", "busybox:1", "command", List.of("echo", "t" + i)), null,
                        List.of("t0"));
            }
        }
        return b.build();
    }

    /** The workflow file form of {@code wf}. */
    static Map<String, Object> document(Workflow wf) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        wf.tasks().forEach(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", t.taskId());
            m.put("function", t.function());
            m.put("kwargs", t.kwargs());
            if (!t.dependsOn().isEmpty()) {
                m.put("depends_on", t.dependsOn());
            }
            tasks.add(m);
        });
        return Map.of("name", wf.name(), "version", wf.version(), "tasks", tasks);
    }

    private static double median(int repeats, Callable<?> work) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            work.call();
            seconds.add((System.nanoTime() - t0) / 1e9);
        }
        Collections.sort(seconds);
        return seconds.get(seconds.size() / 2);
    }
}
