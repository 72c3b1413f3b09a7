package dev.containerrunner.examples;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.TaskOutcome;
import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowDefinitionException;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The soak: N tasks through the reference engine at concurrency 8, mixing successes, non-zero
 * exits, timeouts, OOM kills and denied images; then checks every result, and that no labelled
 * container or volume, heap, thread or file descriptor was leaked. Run with {@code scripts/soak.sh}.
 */
public final class Soak {

    private Soak() {
    }

    enum Kind { SUCCESS, EXIT_CODE, TIMEOUT, OOM, DENIED }

    static Kind kindOf(int i) {
        int r = i % 20;
        return r < 12 ? Kind.SUCCESS : r < 15 ? Kind.EXIT_CODE : r < 17 ? Kind.TIMEOUT : r < 19 ? Kind.OOM : Kind.DENIED;
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path plugins = Path.of(args.length > 1 ? args[1] : "plugin-container-runner/target/plugin");
        Map<String, Object> runner = new LinkedHashMap<>();
        runner.put("allowed_images", List.of("python:3.11-slim", "container-runner-test/busybox:*"));
        runner.put("stop_grace_seconds", 1);
        runner.put("collect_retention_seconds", 0);
        runner.put("max_concurrent_containers", 8);
        if (args.length > 2 && args[2].equals("kubernetes")) { // the same soak as Jobs on the local cluster
            runner.put("backend", "kubernetes");
            runner.put("default_cpu", 0.2); // 8 pods at once on a 2-CPU node
            runner.put("kubernetes", Map.of("kubeconfig", System.getenv().getOrDefault("CONTAINER_RUNNER_KUBECONFIG",
                    "/var/cache/container-runner/k8s/run/admin.kubeconfig"), "namespace", "container-runner",
                    "helper_image", "container-runner-test/busybox:1.35-debian"));
        }
        EngineConfig config = EngineConfig.fromMap(Map.of("apps", Map.of("container_runner", runner),
                "engine", Map.of("max_parallel_tasks", 8)), "soak");
        try (WorkflowEngine engine = WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(plugins).config(config).build()) {
            engine.run(workflow("warmup", 0, 8).build()); // first contact: client pool, janitor thread
            Snapshot before = Snapshot.take();
            long t0 = System.nanoTime();
            WorkflowBuilder wf = new WorkflowBuilder("soak", "1");
            int denied = 0;
            int deniedCreatedNothing = 0;
            for (int i = 0; i < tasks; i++) {
                if (kindOf(i) == Kind.DENIED) {
                    denied++;
                    try {
                        engine.run(new WorkflowBuilder("soak-denied-" + i, "1").task("t", RUN, Map.of("image", "evil/miner:1"), "r").build());
                    } catch (WorkflowDefinitionException e) {
                        if (e.getMessage().contains("allowed_images")) {
                            deniedCreatedNothing++;
                        }
                    }
                } else {
                    add(wf, i);
                }
            }
            WorkflowRun run = engine.run(wf.build());
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, int[]> byKind = new TreeMap<>(); // kind -> {count, correct}
            int wrong = 0;
            for (TaskOutcome o : run.tasks()) {
                int i = Integer.parseInt(o.taskId().substring(2));
                Kind kind = kindOf(i);
                boolean correct = correct(kind, i, run.result("r" + i), o);
                byKind.computeIfAbsent(kind.name(), k -> new int[2])[0]++;
                if (correct) {
                    byKind.get(kind.name())[1]++;
                } else {
                    wrong++;
                    System.err.println("WRONG " + o + " " + run.result("r" + i));
                }
            }
            byKind.put(Kind.DENIED.name(), new int[] {denied, deniedCreatedNothing});
            long oomFlagged = run.tasks().stream().filter(o -> kindOf(Integer.parseInt(o.taskId().substring(2))) == Kind.OOM)
                    .filter(o -> Boolean.TRUE.equals(run.result("r" + o.taskId().substring(2)).get("oom_killed"))).count();
            wrong += denied - deniedCreatedNothing;
            int leftovers = leftovers();
            Thread.sleep(1000);
            Snapshot after = Snapshot.take();
            System.out.printf("soak: %d tasks in %.1f s (%.1f tasks/s) at concurrency 8%n", tasks, seconds, tasks / seconds);
            byKind.forEach((k, v) -> System.out.printf("  %-9s %4d tasks, %4d with the expected result%n", k, v[0], v[1]));
            System.out.printf("  (OOM: %d with the engine's OOMKilled flag, %d as an unexplained SIGKILL: the engine lost the event)%n",
                    oomFlagged, byKind.get(Kind.OOM.name())[0] - oomFlagged);
            System.out.printf("  leftover labelled containers+volumes: %d%n", leftovers);
            System.out.printf("  heap used after GC: %d MiB before, %d MiB after%n", before.heapMiB, after.heapMiB);
            System.out.printf("  live threads: %d before, %d after%n", before.threads, after.threads);
            System.out.printf("  open file descriptors: %d before, %d after%n", before.fds, after.fds);
            boolean ok = wrong == 0 && leftovers == 0 && after.threads <= before.threads + 2 && after.fds <= before.fds + 8
                    && after.heapMiB <= before.heapMiB + 32;
            System.out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
            if (!ok) {
                System.exit(1);
            }
        }
    }

    static final String RUN = "apps.platform.container_runner.run_container";

    static WorkflowBuilder workflow(String name, int from, int count) {
        WorkflowBuilder b = new WorkflowBuilder(name, "1");
        for (int i = from; i < from + count; i++) {
            add(b, i * 20); // successes only
        }
        return b;
    }

    static void add(WorkflowBuilder b, int i) {
        String bb = "container-runner-test/busybox:1.35-debian";
        Map<String, Object> kwargs = switch (kindOf(i)) {
            case SUCCESS -> Map.of("image", bb, "command", List.of("echo", "task-" + i));
            case EXIT_CODE -> Map.of("image", bb, "command", List.of("sh", "-c", "exit 3"));
            case TIMEOUT -> Map.of("image", bb, "command", List.of("sleep", "30"), "timeout_seconds", 1);
            case OOM -> Map.of("image", "python:3.11-slim", "command", List.of("python3", "-c", "b = bytearray(64 << 20)"),
                    "memory_limit", "16m");
            case DENIED -> throw new IllegalStateException();
        };
        b.task("t-" + i, RUN, kwargs, "r" + i);
    }

    static boolean correct(Kind kind, int i, Map<String, Object> r, TaskOutcome o) {
        return switch (kind) {
            case SUCCESS -> o.status() == TaskOutcome.Status.SUCCEEDED && ("task-" + i + "\n").equals(r.get("stdout"));
            case EXIT_CODE -> o.status() == TaskOutcome.Status.FAILED && r.get("exit_code") instanceof Number n && n.intValue() == 3;
            case TIMEOUT -> o.status() == TaskOutcome.Status.FAILED && Boolean.TRUE.equals(r.get("timed_out"));
            case OOM -> o.status() == TaskOutcome.Status.FAILED && (Boolean.TRUE.equals(r.get("oom_killed"))
                    || String.valueOf(r.get("error")).contains("an OOM kill the engine did not report"));
            case DENIED -> false;
        };
    }

    static int leftovers() throws IOException, InterruptedException {
        int n = 0;
        for (String what : List.of("ps -aq", "volume ls -q")) {
            List<String> cmd = new java.util.ArrayList<>(List.of("docker"));
            cmd.addAll(List.of(what.split(" ")));
            cmd.addAll(List.of("--filter", "label=dev.containerrunner.managed-by=container_runner"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            n += (int) new String(p.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank()).count();
            p.waitFor();
        }
        return n;
    }

    record Snapshot(long heapMiB, int threads, long fds) {
        static Snapshot take() throws IOException {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            long fds;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            }
            return new Snapshot(heap, ManagementFactory.getThreadMXBean().getThreadCount(), fds);
        }
    }
}
