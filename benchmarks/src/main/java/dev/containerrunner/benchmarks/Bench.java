package dev.containerrunner.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.KwargsValidator;
import dev.containerrunner.spi.LogSink;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The runner against its baselines in the same run, on the same local image, printing ratios:
 * per-task overhead, throughput, output flood and file transfer. See benchmarks/run.sh.
 */
public final class Bench {

    static final String IMAGE = "container-runner-test/busybox:1.35-debian";
    static final String RUN = "apps.platform.container_runner.run_container";
    static final String RUN_WITH_INPUT = "apps.platform.container_runner.run_with_input";

    private final Path plugins;
    private final DockerClient raw;
    private final StringBuilder report = new StringBuilder();

    Bench(Path plugins) {
        this.plugins = plugins;
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        this.raw = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                .maxConnections(100).connectionTimeout(Duration.ofSeconds(5)).build());
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int throughputTasks = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path plugins = Path.of(args.length > 2 ? args[2] : "plugin-container-runner/target/plugin");
        Bench b = new Bench(plugins);
        b.out("# container_runner benchmarks%n%n");
        b.out("date: %s, machine: %d cores, engine: %s, image: %s%n%n", java.time.LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), b.raw.versionCmd().exec().getVersion(), IMAGE);
        List<String> sections = List.of((args.length > 3 ? args[3] : "overhead,throughput,flood,files").split(","));
        if (sections.contains("overhead")) {
            b.overhead(runs);
        }
        if (sections.contains("throughput")) {
            b.throughput(throughputTasks);
        }
        if (sections.contains("flood")) {
            b.flood(1L << 30);
        }
        if (sections.contains("files")) {
            b.fileTransfer(100 << 20);
        }
        if (sections.contains("kubernetes")) {
            new KubernetesBench(b).overhead(runs);
        }
        if (sections.contains("podjob")) {
            new PodVsJobBench(b).run(runs);
        }
        if (sections.contains("telemetry")) {
            new TelemetryBench(b, plugins).overhead(runs);
        }
        if (sections.contains("inputs")) {
            new S3InputsBench(b).run(List.of(100L << 20, 1L << 30));
        }
        Files.writeString(Path.of("benchmarks/last-run.md"), b.report.toString());
    }

    void out(String format, Object... args) {
        String s = String.format(format, args);
        System.out.print(s);
        report.append(s);
    }

    // ---------------------------------------------------------------- the runner, as users load it

    WorkflowEngine engine(int parallel, Map<String, Object> extra) {
        Map<String, Object> runner = new LinkedHashMap<>();
        runner.put("allowed_images", List.of(IMAGE));
        runner.put("collect_retention_seconds", 0);
        runner.put("max_concurrent_containers", 64);
        runner.putAll(extra);
        return WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(plugins)
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("container_runner", runner),
                        "engine", Map.of("max_parallel_tasks", parallel)), "bench")).build();
    }

    static Map<String, Object> invoke(WorkflowEngine engine, String function, Map<String, Object> kwargs) {
        ActionDefinition action = engine.catalog().resolve(function).action();
        return action.handler().invoke(KwargsValidator.validate(action, kwargs), CONTEXT);
    }

    static final ActionContext CONTEXT = ActionContext.of("bench", "bench-run", "bench-task", LogSink.discarding(),
            CancellationSignal.never(), Map.of());

    // ---------------------------------------------------------------- raw baselines

    /** Baseline (c): create, start, wait, logs, remove with raw docker-java. */
    String rawOneShot(List<String> cmd) {
        String id = raw.createContainerCmd(IMAGE).withCmd(cmd).exec().getId();
        try {
            raw.startContainerCmd(id).exec();
            raw.waitContainerCmd(id).start().awaitStatusCode(60, TimeUnit.SECONDS);
            StringBuilder logs = new StringBuilder();
            ResultCallback.Adapter<Frame> cb = raw.logContainerCmd(id).withStdOut(true).withStdErr(true)
                    .exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Frame f) {
                            logs.append(new String(f.getPayload()));
                        }
                    });
            cb.awaitCompletion(60, TimeUnit.SECONDS);
            return logs.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            raw.removeContainerCmd(id).withForce(true).exec();
        }
    }

    static String cli(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One table row per variant: {@code runs} timed one-shot runs of {@code echo hi} after
     * {@code warmups} untimed ones; min, median, max and the median's ratio to the first variant.
     */
    void oneShotRows(Map<String, Supplier<String>> variants, int runs, int warmups) {
        double baseline = 0;
        for (Map.Entry<String, Supplier<String>> v : variants.entrySet()) {
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < runs + warmups; i++) {
                long t0 = System.nanoTime();
                String output = v.getValue().get();
                double took = (System.nanoTime() - t0) / 1e6;
                if (!output.contains("hi")) {
                    throw new IllegalStateException(v.getKey() + " printed " + output);
                }
                if (i >= warmups) {
                    ms.add(took);
                }
            }
            Collections.sort(ms);
            double median = ms.get(ms.size() / 2);
            if (baseline == 0) {
                baseline = median;
            }
            out("| %s | %.0f | %.0f | %.0f | %.2f× |%n", v.getKey(), ms.get(0), median, ms.get(ms.size() - 1), median / baseline);
        }
    }

    // ---------------------------------------------------------------- 1. per-task overhead

    void overhead(int runs) {
        out("## 1. Per-task overhead: %d sequential one-shot runs of `echo hi` (ms)%n%n", runs);
        out("| variant | min | median | max | median ratio to (c) |%n|---|---|---|---|---|%n");
        try (WorkflowEngine engine = engine(1, Map.of())) {
            Map<String, Supplier<String>> variants = new LinkedHashMap<>();
            variants.put("(c) raw docker-java create/start/wait/logs/remove", () -> rawOneShot(List.of("echo", "hi")));
            variants.put("(a) run_container through the SPI", () -> (String) invoke(engine, RUN,
                    Map.of("image", IMAGE, "command", List.of("echo", "hi"))).get("stdout"));
            variants.put("(b) run_container through the reference engine (one-task workflow)", () -> {
                WorkflowRun run = engine.run(new WorkflowBuilder("bench", "1")
                        .task("t", RUN, Map.of("image", IMAGE, "command", List.of("echo", "hi")), "r").build());
                return (String) run.result("r").get("stdout");
            });
            variants.put("(d) docker run --rm (CLI)", () -> cli("docker", "run", "--rm", IMAGE, "echo", "hi"));
            variants.put("(e) Testcontainers GenericContainer one-shot", () -> {
                try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE)).withCommand("echo", "hi")
                        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
                    c.start();
                    return c.getLogs();
                }
            });
            oneShotRows(variants, runs, 3);
        }
        out("%n");
    }

    // ---------------------------------------------------------------- 2. throughput

    void throughput(int tasks) throws Exception {
        out("## 2. Throughput: %d short tasks (`echo`), tasks per second%n%n", tasks);
        out("| concurrency | reference engine | raw docker-java | ratio |%n|---|---|---|---|%n");
        for (int c : new int[] {1, 4, 8}) {
            double ours;
            try (WorkflowEngine engine = engine(c, Map.of())) {
                WorkflowBuilder wf = new WorkflowBuilder("throughput", "1");
                for (int i = 0; i < tasks; i++) {
                    wf.task("t" + i, RUN, Map.of("image", IMAGE, "command", List.of("echo", "t" + i)), "r" + i);
                }
                long t0 = System.nanoTime();
                WorkflowRun run = engine.run(wf.build());
                ours = tasks / ((System.nanoTime() - t0) / 1e9);
                if (!run.succeeded()) {
                    throw new IllegalStateException("throughput run failed: " + run.tasks());
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(c);
            long t0 = System.nanoTime();
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                String word = "t" + i;
                done.add(pool.submit(() -> rawOneShot(List.of("echo", word))));
            }
            for (Future<String> f : done) {
                f.get();
            }
            double rawRate = tasks / ((System.nanoTime() - t0) / 1e9);
            pool.shutdown();
            out("| %d | %.1f | %.1f | %.2f× |%n", c, ours, rawRate, ours / rawRate);
        }
        int left = raw.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("dev.containerrunner.managed-by", "container_runner"))
                .exec().size() + raw.listVolumesCmd().withFilter("label", List.of("dev.containerrunner.managed-by=container_runner"))
                .exec().getVolumes().size();
        out("%nlabelled containers and volumes left afterwards: %d%n%n", left);
    }

    // ---------------------------------------------------------------- 3. output flood

    void flood(long bytes) throws Exception {
        out("## 3. Output flood: a container writes %d MiB to stdout%n%n", bytes >> 20);
        List<String> cmd = List.of("sh", "-c", "yes 0123456789012345678901234567890123456789012345678901234567890123456789"
                + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
                + " | head -c " + bytes);
        HeapSampler sampler = new HeapSampler();
        double ours;
        try (WorkflowEngine engine = engine(1, Map.of())) {
            invoke(engine, RUN, Map.of("image", IMAGE, "command", List.of("true"))); // warm the client
            sampler.start();
            long t0 = System.nanoTime();
            Map<String, Object> r = invoke(engine, RUN, Map.of("image", IMAGE, "command", cmd, "timeout_seconds", 600));
            ours = (System.nanoTime() - t0) / 1e9;
            sampler.stop();
            System.gc();
            sampler.retainedAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (!Boolean.TRUE.equals(r.get("stdout_truncated"))) {
                throw new IllegalStateException("flood not truncated: " + r.get("error"));
            }
        }
        long t0 = System.nanoTime();
        String id = raw.createContainerCmd(IMAGE).withCmd(cmd).withAttachStdout(true).withAttachStderr(true).exec().getId();
        AtomicLong got = new AtomicLong();
        ResultCallback.Adapter<Frame> cb = raw.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame f) {
                        got.addAndGet(f.getPayload().length);
                    }
                });
        cb.awaitStarted();
        raw.startContainerCmd(id).exec();
        raw.waitContainerCmd(id).start().awaitStatusCode();
        cb.awaitCompletion(120, TimeUnit.SECONDS);
        raw.removeContainerCmd(id).withForce(true).exec();
        double rawSeconds = (System.nanoTime() - t0) / 1e9;
        if (got.get() != bytes) {
            throw new IllegalStateException("raw attach got " + got.get());
        }
        out("| | wall time (s) | ratio |%n|---|---|---|%n| run_container (SPI, capture bounded at 10 MiB) | %.1f | %.2f× |%n"
                + "| raw docker-java attach counting bytes | %.1f | 1.00× |%n%n", ours, ours / rawSeconds, rawSeconds);
        out("JVM heap: %d MiB after GC before the run, %d MiB after GC after it (retained growth %d MiB; the result keeps"
                + " 10 MiB of stdout as a String); peak used while running %d MiB, garbage included, with a %d MiB max heap"
                + " (the integration test runs the same flood under -Xmx384m)%n%n", sampler.baseline >> 20,
                sampler.retainedAfter >> 20, (sampler.retainedAfter - sampler.baseline) >> 20, sampler.peak.get() >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
    }

    static final class HeapSampler {
        long baseline;
        long retainedAfter;
        final AtomicLong peak = new AtomicLong();
        private volatile boolean running;
        private Thread thread;

        void start() {
            System.gc();
            baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    // ---------------------------------------------------------------- 4. file transfer

    void fileTransfer(int size) throws Exception {
        out("## 4. File transfer: %d MiB in (input_file) and out (output_file)%n%n", size >> 20);
        byte[] data = new byte[size];
        new java.util.Random(42).nextBytes(data);
        String base64 = Base64.getEncoder().encodeToString(data);
        double ours;
        try (WorkflowEngine engine = engine(1, Map.of("max_output_file_bytes", size + (1 << 20)))) {
            long t0 = System.nanoTime();
            Map<String, Object> r = invoke(engine, RUN_WITH_INPUT, Map.of("image", IMAGE,
                    "command", List.of("cp", "/in/data.bin", "/out/data.bin"),
                    "input_file", Map.of("path", "/in/data.bin", "content", base64, "encoding", "base64"),
                    "output_file", "/out/data.bin"));
            ours = (System.nanoTime() - t0) / 1e9;
            byte[] back = Base64.getDecoder().decode((String) r.get("output_file_content"));
            if (!java.util.Arrays.equals(data, back)) {
                throw new IllegalStateException("file came back different: " + r.get("error"));
            }
        }
        Path dir = Files.createTempDirectory("bench-cp");
        Path in = dir.resolve("data.bin");
        Files.write(in, data);
        long t0 = System.nanoTime();
        String id = cli("docker", "create", IMAGE, "cp", "/tmp/data.bin", "/tmp/out.bin").strip();
        cli("docker", "cp", in.toString(), id + ":/tmp/data.bin");
        cli("docker", "start", "-a", id);
        cli("docker", "cp", id + ":/tmp/out.bin", dir.resolve("out.bin").toString());
        cli("docker", "rm", "-f", id);
        double cp = (System.nanoTime() - t0) / 1e9;
        if (Files.size(dir.resolve("out.bin")) != size) {
            throw new IllegalStateException("docker cp copied " + Files.size(dir.resolve("out.bin")));
        }
        Files.delete(in);
        Files.delete(dir.resolve("out.bin"));
        Files.delete(dir);
        out("| | wall time (s) | ratio |%n|---|---|---|%n| run_with_input (base64 input_file, cp, output_file) | %.2f | %.2f× |%n"
                + "| docker create + docker cp in + start + docker cp out + rm | %.2f | 1.00× |%n%n", ours, ours / cp, cp);
    }
}
