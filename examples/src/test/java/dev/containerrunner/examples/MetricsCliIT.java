package dev.containerrunner.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.TestImages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 §4 end to end: {@code bin/workflow run} with {@code OTEL_METRICS_EXPORTER=prometheus}
 * (the plugin jar alone in a plugin directory, as users install it), scraped every second by a real
 * Prometheus (Debian's 2.42, {@code scripts/ensure-prometheus.sh}) on a free loopback port, then
 * Prometheus's own query API asked for the plugin's counters while the workflow still runs; spans
 * go to the logging exporter (one trace for the run); Ctrl-C then ends the run, promptly, with its
 * JSON document (the SDK is shut down before the JVM exits).
 */
class MetricsCliIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path prometheusBinary() {
        Path bin = Path.of(System.getenv().getOrDefault("PROMETHEUS_BIN", "/usr/bin/prometheus"));
        assertTrue(Files.isExecutable(bin), bin + " is missing: run scripts/ensure-prometheus.sh (Debian's prometheus package)");
        return bin;
    }

    /** Prometheus scraping {@code target} every second, on its own free loopback port, data in the test's directory. */
    private static final class Prometheus implements AutoCloseable {
        final Process process;
        final int port;
        final Path log;

        Prometheus(Path dir, String target) throws IOException {
            port = freePort();
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                    scrape_configs:
                      - job_name: workflow
                        static_configs: [{targets: ["%s"]}]
                    """.formatted(target));
            log = dir.resolve("prometheus.log");
            process = new ProcessBuilder(prometheusBinary().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("tsdb")), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        String get(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        }

        /** The instant query's result vector: each sample's labels and value. */
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> query(String promql) throws IOException, InterruptedException {
            String answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            if (!answer.startsWith("200 ")) {
                return List.of();
            }
            Map<String, Object> doc = new ObjectMapper().readValue(answer.substring(4), Map.class);
            return (List<Map<String, Object>>) ((Map<String, Object>) doc.get("data")).get("result");
        }

        void awaitReady(long deadline) throws Exception {
            while (true) {
                try {
                    if (get("/-/ready").startsWith("200")) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                assertTrue(process.isAlive(), "prometheus ended: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "prometheus not ready: " + Files.readString(log));
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String value(Map<String, Object> sample) {
        return String.valueOf(((List<?>) sample.get("value")).get(1));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(Map<String, Object> sample) {
        return (Map<String, String>) sample.get("metric");
    }

    @Test
    void prometheusScrapesThePluginsCountersFromTheCliWhileTheWorkflowRuns() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path built = Path.of(System.getProperty("plugin.dir", "../plugin-container-runner/target/plugin"));
        try (Stream<Path> jars = Files.list(built)) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            Files.copy(jar, plugins.resolve(jar.getFileName()));
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("io/opentelemetry/")),
                        "the plugin jar bundles no OpenTelemetry: the engine's API is shared");
            }
        }
        Path workflow = Files.writeString(dir.resolve("metrics.yaml"), """
                name: metrics_e2e
                version: 1.0.0
                tasks:
                  - task_id: quick
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%1$s", command: [echo, counted]}
                    result_key: quick
                  - task_id: fails
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%1$s", command: [sh, -c, 'exit 3']}
                  - task_id: hold
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%1$s", command: [sleep, '120']}
                    depends_on: [quick]
                """.formatted(TestImages.BUSYBOX));
        int metricsPort = freePort();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Prometheus prometheus = new Prometheus(dir, "127.0.0.1:" + metricsPort)) {
            prometheus.awaitReady(deadline);
            Path root = Path.of(System.getProperty("examples.dir", ".")).resolve("..").toAbsolutePath().normalize();
            List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", root.resolve("bin/workflow").toString(),
                    "run", workflow.toString(), "--config", ExamplesIT.CONFIG.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.json").toFile())
                    .redirectError(dir.resolve("stderr.txt").toFile());
            pb.environment().put("WORKFLOW_SKIP_BUILD", "1");
            pb.environment().put("WORKFLOW_PLUGINS", plugins.toString());
            pb.environment().put("OTEL_METRICS_EXPORTER", "prometheus");
            pb.environment().put("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1");
            pb.environment().put("OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(metricsPort));
            pb.environment().put("OTEL_TRACES_EXPORTER", "logging");
            pb.environment().put("OTEL_SERVICE_NAME", "metrics-e2e");
            Process cli = pb.start();
            try {
                // Prometheus's own store, asked while the workflow still runs: quick and fails counted, hold running
                String succeeded = "container_runner_runs_total{job=\"workflow\",action=\"run_container\",backend=\"docker\","
                        + "outcome=\"succeeded\"}";
                String failed = "container_runner_runs_total{job=\"workflow\",action=\"run_container\",backend=\"docker\","
                        + "outcome=\"failed\",failure_reason=\"exit_code\"}";
                String active = "container_runner_containers_active{job=\"workflow\",backend=\"docker\"}";
                List<Map<String, Object>> ok = List.of();
                List<Map<String, Object>> bad = List.of();
                List<Map<String, Object>> running = List.of();
                while (ok.isEmpty() || bad.isEmpty() || running.isEmpty() || !"1".equals(value(running.get(0)))) {
                    assertTrue(cli.isAlive(), "the CLI ended before it was scraped: " + Files.readString(dir.resolve("stderr.txt")));
                    assertTrue(System.nanoTime() < deadline, "not in Prometheus within " + DEADLINE + ": succeeded " + ok
                            + ", failed " + bad + ", active " + running + "; targets " + prometheus.get("/api/v1/targets"));
                    Thread.sleep(250);
                    ok = prometheus.query(succeeded);
                    bad = prometheus.query(failed);
                    running = prometheus.query(active);
                }
                assertEquals(1, ok.size(), ok.toString());
                assertEquals("1", value(ok.get(0)), "one succeeded run: " + ok);
                assertEquals("1", value(bad.get(0)), "one failed run, failure_reason exit_code: " + bad);
                assertFalse(labels(ok.get(0)).containsKey("failure_reason"), "no failure_reason on success: " + ok);
                assertEquals("dev.containerrunner.plugin", labels(ok.get(0)).get("otel_scope_name"),
                        "recorded by the plugin's meter, through the API the engine shares: " + ok);
                assertEquals("1", value(running.get(0)), "hold runs: one active container");
                List<Map<String, Object>> durations = prometheus.query("container_runner_run_duration_seconds_count{job=\"workflow\","
                        + "outcome=\"succeeded\"}");
                assertEquals("1", value(durations.get(0)), durations.toString());
                List<Map<String, Object>> bytes = prometheus.query("container_runner_output_bytes_total{job=\"workflow\","
                        + "source=\"stdout\"}");
                assertEquals(Integer.toString("counted\n".length()), value(bytes.get(0)), "bytes of quick's stdout: " + bytes);
                List<Map<String, Object>> service = prometheus.query("target_info{job=\"workflow\"}");
                assertEquals("metrics-e2e", labels(service.get(0)).get("service_name"), service.toString());
            } finally {
                // Ctrl-C: hold is cancelled, the run ends, and the SDK is flushed before the JVM exits
                new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();
                if (!cli.waitFor(60, TimeUnit.SECONDS)) {
                    cli.destroyForcibly();
                }
            }
            String stderr = Files.readString(dir.resolve("stderr.txt"));
            assertEquals(130, cli.exitValue(), stderr);
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = new ObjectMapper().readValue(dir.resolve("stdout.json").toFile(), Map.class);
            assertEquals("failed", doc.get("status"));
            @SuppressWarnings("unchecked")
            Map<String, Object> quick = (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("quick");
            assertEquals("counted\n", quick.get("stdout"));
            // the spans of quick and fails, printed by the logging exporter as they ended (before Ctrl-C: the JVM
            // resets java.util.logging, which that exporter writes to, as soon as it begins to shut down)
            List<String> spans = stderr.lines().filter(l -> l.startsWith("INFO: '")).toList();
            for (String span : List.of("'workflow.task'", "'container_runner.run_container'", "'container_runner.pull'",
                    "'container_runner.create'", "'container_runner.run'", "'container_runner.collect'")) {
                assertTrue(spans.stream().anyMatch(l -> l.startsWith("INFO: " + span + " : ")), span + " not exported: " + stderr);
            }
            assertEquals(1, spans.stream().map(l -> l.split(" ")[3]).distinct().count(),
                    "the engine's and the plugin's spans are one trace (the plugin sees the engine's context): " + spans);
            assertTrue(spans.stream().anyMatch(l -> l.startsWith("INFO: 'container_runner.run_container'")
                    && l.contains("container_runner.failure_reason=exit_code") && l.contains("container.id=")),
                    "fails' action span: " + spans);
            assertFalse(stderr.toLowerCase().contains("failed to export"), stderr);
        }
    }

    @Test
    void withNothingConfiguredARunSaysNothingAboutOpenTelemetry() throws Exception {
        Path workflow = Files.writeString(dir.resolve("quiet.yaml"), """
                name: quiet
                version: 1.0.0
                tasks:
                  - task_id: quick
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%s", command: [echo, quiet]}
                    result_key: quick
                """.formatted(TestImages.BUSYBOX));
        Path root = Path.of(System.getProperty("examples.dir", ".")).resolve("..").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/workflow").toString(), "run", workflow.toString(), "--config",
                ExamplesIT.CONFIG.toString()).redirectOutput(dir.resolve("quiet.json").toFile())
                .redirectError(dir.resolve("quiet.txt").toFile());
        pb.environment().put("WORKFLOW_SKIP_BUILD", "1");
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
        Process cli = pb.start();
        assertTrue(cli.waitFor(120, TimeUnit.SECONDS), "the CLI did not end");
        String stderr = Files.readString(dir.resolve("quiet.txt"));
        assertEquals(0, cli.exitValue(), stderr);
        assertFalse(stderr.toLowerCase().contains("opentelemetry") || stderr.toLowerCase().contains("export"),
                "no SDK, no exporter, no word about either: " + stderr);
    }
}
