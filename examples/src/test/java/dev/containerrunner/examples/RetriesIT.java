package dev.containerrunner.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.TestImages;
import dev.containerrunner.plugin.TestRegistry;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.docker.DockerJavaGateway;
import dev.containerrunner.plugin.execution.Labels;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 §2 through the real CLI on the real Docker engine (the plugin jar alone in a plugin
 * directory, as a user installs it): a task whose first attempt fails with a retryable reason and
 * whose second succeeds, a skip by exit code that skips its dependent, and Ctrl-C during a backoff.
 */
class RetriesIT {

    @TempDir
    static Path dir;
    static Path pluginDir;
    static DockerGateway docker;

    @BeforeAll
    static void installPlugin() throws IOException {
        pluginDir = Files.createDirectory(dir.resolve("plugins"));
        Path built = Path.of(System.getProperty("plugin.dir", "../plugin-container-runner/target/plugin"));
        try (Stream<Path> jars = Files.list(built)) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            Files.copy(jar, pluginDir.resolve(jar.getFileName()));
        }
        docker = DockerJavaGateway.connect(System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock"));
    }

    @AfterAll
    static void nothingLeftBehind() {
        try {
            assertEquals(0, docker.findContainers(Labels.managed()).size() + docker.findVolumes(Labels.managed()).size(),
                    "labelled containers/volumes left behind");
        } finally {
            docker.close();
        }
    }

    /** The CLI in its own JVM, its stderr read line by line as it comes. */
    static final class Cli {
        final Process process;
        final List<String> stderr = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> stdout;
        private final List<Map.Entry<Predicate<String>, CompletableFuture<String>>> waiting = new CopyOnWriteArrayList<>();

        Cli(String... args) throws IOException {
            Path engineJar = Path.of(System.getProperty("engine.jar", "../reference-engine/target/workflow-engine.jar"));
            // SIGINT back to its default first: a JVM that inherits it ignored (as every command of a shell's
            // background job does, e.g. a CI step started with '&') installs no handler, and Ctrl-C would do nothing
            List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                    ProcessHandle.current().info().command().orElse("java"), "-jar", engineJar.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("WORKFLOW_PLUGINS", pluginDir.toString());
            process = pb.start();
            stdout = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = process.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        stderr.add(line);
                        for (Map.Entry<Predicate<String>, CompletableFuture<String>> w : waiting) {
                            if (w.getKey().test(line)) {
                                w.getValue().complete(line);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "cli-stderr");
            reader.setDaemon(true);
            reader.start();
        }

        /** Completes with the first stderr line from now on that contains {@code text}. */
        CompletableFuture<String> line(String text) {
            CompletableFuture<String> f = new CompletableFuture<>();
            waiting.add(Map.entry(l -> l.contains(text), f));
            stderr.stream().filter(l -> l.contains(text)).findFirst().ifPresent(f::complete);
            return f;
        }

        int exit() throws Exception {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the CLI did not end: " + String.join("\n", stderr));
            }
            return process.exitValue();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> json() throws Exception {
            return new ObjectMapper().readValue(stdout.get(30, TimeUnit.SECONDS), Map.class);
        }

        String log() {
            return String.join("\n", stderr);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> task(Map<String, Object> doc, String taskId) {
        return ((List<Map<String, Object>>) doc.get("tasks")).stream().filter(t -> taskId.equals(t.get("task_id"))).findFirst()
                .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> result(Map<String, Object> doc, String key) {
        return (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get(key);
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A TCP relay on 127.0.0.1:{@code port} to the test registry ({@link TestRegistry#HOST}), started
     * only when the test says so: until then the port refuses connections, as a registry that is
     * down does. Docker treats every 127.0.0.0/8 registry as insecure (no TLS verification), so the
     * real registry answers through it under this other name.
     */
    static final class LateRegistry implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        LateRegistry(int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            String host = TestRegistry.HOST.substring(0, TestRegistry.HOST.lastIndexOf(':'));
            int target = Integer.parseInt(TestRegistry.HOST.substring(TestRegistry.HOST.lastIndexOf(':') + 1));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(host, target);
                        open.add(in);
                        open.add(out);
                        pump(in.getInputStream(), out.getOutputStream(), out);
                        pump(out.getInputStream(), in.getOutputStream(), in);
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "late-registry");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void pump(InputStream from, OutputStream to, Socket toSocket) {
            Thread t = new Thread(() -> {
                try {
                    from.transferTo(to);
                    toSocket.shutdownOutput();
                } catch (IOException e) {
                    // one side closed
                }
            }, "late-registry-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** Removes every name of the repository {@code prefix}... from the engine (the test's pulls). */
    private static void removeImages(String prefix) {
        for (Image image : TestRegistry.docker().listImagesCmd().withShowAll(true).exec()) {
            List<String> names = new ArrayList<>();
            Optional.ofNullable(image.getRepoTags()).ifPresent(t -> names.addAll(List.of(t)));
            Optional.ofNullable(image.getRepoDigests()).ifPresent(d -> names.addAll(List.of(d)));
            for (String name : names) {
                if (name.startsWith(prefix)) {
                    try {
                        TestRegistry.docker().removeImageCmd(name).exec();
                    } catch (NotFoundException e) {
                        // already gone
                    }
                }
            }
        }
    }

    @Test
    void aTaskWhoseFirstAttemptFindsTheRegistryDownSucceedsOnItsSecondAttempt() throws Exception {
        TestRegistry.requireRunning();
        int port = freePort();
        String registry = "127.0.0.1:" + port;
        String image = registry + "/test/busybox:1.35";
        Path audit = dir.resolve("retry-audit.jsonl");
        Path config = write("retry-config.yaml", "apps:\n  container_runner:\n    allowed_images: [\"" + registry + "/test/*:*\"]\n"
                + "    registries:\n      \"" + registry + "\": {username: " + TestRegistry.USER + ", password_file: "
                + TestRegistry.PASSWORD_FILE + "}\n    audit_log: " + audit + "\n");
        Path workflow = write("retry.yaml", "name: retry_registry\nversion: 1.0.0\ntasks:\n  - task_id: fetch\n"
                + "    function: apps.platform.container_runner.run_container\n"
                + "    kwargs: {image: \"" + image + "\", command: [sh, -c, 'echo fetched'], pull_policy: always}\n"
                + "    result_key: fetched\n    retry: {max_attempts: 3, initial_backoff_seconds: 3}\n");
        try {
            Cli cli = new Cli("run", workflow.toString(), "--config", config.toString());
            CompletableFuture<String> failed = cli.line("attempt 1 of 3 failed (registry_unreachable); attempt 2 in 3.0 s");
            String line = failed.get(120, TimeUnit.SECONDS);
            try (LateRegistry late = new LateRegistry(port)) { // the registry "comes back" during the backoff
                assertEquals(0, cli.exit(), cli.log());
                Map<String, Object> doc = cli.json();
                assertEquals("succeeded", doc.get("status"));
                Map<String, Object> fetch = task(doc, "fetch");
                assertEquals(2, fetch.get("attempts"), cli.log());
                assertNull(fetch.get("failure_reason"));
                Map<String, Object> fetched = result(doc, "fetched");
                assertEquals("fetched\n", fetched.get("stdout"));
                assertEquals(2, fetched.get("attempt"));
                assertNull(fetched.get("failure_reason"));
                assertTrue(line.startsWith("[fetch #] "), line);
            }
            List<Map<String, Object>> lines = new ArrayList<>();
            for (String l : Files.readAllLines(audit)) {
                lines.add(new ObjectMapper().readValue(l, Map.class));
            }
            assertEquals(List.of(1, 2), lines.stream().map(l -> l.get("attempt")).toList(), "one audit line per attempt");
            assertEquals(List.of("registry_unreachable", "succeeded"), lines.stream().map(l -> l.get("failure_reason") != null
                    ? l.get("failure_reason") : l.get("outcome")).toList());
        } finally {
            removeImages(registry + "/");
        }
    }

    @Test
    void anExitCodeListedInSkipSkipsTheTaskAndItsDependentAndTheRunSucceeds() throws Exception {
        Path workflow = write("skip.yaml", """
                name: skip_on_exit
                version: 1.0.0
                tasks:
                  - task_id: check
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%s", command: [sh, -c, 'echo nothing new; exit 99']}
                    result_key: checked
                    exit_codes: {skip: [99]}
                  - task_id: publish
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%s", command: [echo, published]}
                    depends_on: [check]
                  - task_id: independent
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%s", command: [echo, fine]}
                """.formatted(TestImages.BUSYBOX, TestImages.BUSYBOX, TestImages.BUSYBOX));
        Cli cli = new Cli("run", workflow.toString(), "--config", ExamplesIT.CONFIG.toString());
        assertEquals(0, cli.exit(), cli.log());
        Map<String, Object> doc = cli.json();
        assertEquals("succeeded", doc.get("status"));
        Map<String, Object> check = task(doc, "check");
        assertEquals(List.of("skipped", "skipped: exit code 99 is listed in exit_codes.skip", 1),
                List.of(check.get("status"), check.get("error"), check.get("attempts")));
        assertNull(check.get("failure_reason"));
        assertEquals(99, result(doc, "checked").get("exit_code"));
        assertEquals("exit_code", result(doc, "checked").get("failure_reason"), "the result still says what happened");
        Map<String, Object> publish = task(doc, "publish");
        assertEquals(List.of("skipped", "skipped: dependency 'check' did not succeed", 0),
                List.of(publish.get("status"), publish.get("error"), publish.get("attempts")));
        assertEquals("succeeded", task(doc, "independent").get("status"));
        assertTrue(!cli.log().contains("[publish] published"), "the dependent never ran: " + cli.log());
    }

    @Test
    void ctrlCDuringTheBackoffEndsTheRunAtOnceAsCancelled() throws Exception {
        Path workflow = write("cancel.yaml", """
                name: cancel_backoff
                version: 1.0.0
                tasks:
                  - task_id: flaky
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%s", command: [sh, -c, 'exit 1']}
                    result_key: flaky
                    retry: {max_attempts: 3, initial_backoff_seconds: 120, on: [exit_code]}
                  - task_id: after
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "%s", command: [echo, after]}
                    depends_on: [flaky]
                """.formatted(TestImages.BUSYBOX, TestImages.BUSYBOX));
        Cli cli = new Cli("run", workflow.toString(), "--config", ExamplesIT.CONFIG.toString());
        cli.line("attempt 1 of 3 failed (exit_code); attempt 2 in 120.0 s").get(120, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(cli.process.pid())).start().waitFor());
        int code = cli.exit();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(130, code, cli.log());
        assertTrue(seconds < 20, "the 120 s backoff ended at Ctrl-C: the CLI exited " + seconds + " s after it");
        Map<String, Object> doc = cli.json();
        assertEquals("failed", doc.get("status"));
        Map<String, Object> flaky = task(doc, "flaky");
        assertEquals(List.of("failed", "cancelled", false, 1), List.of(flaky.get("status"), flaky.get("failure_reason"),
                flaky.get("retryable"), flaky.get("attempts")), cli.log());
        assertTrue(String.valueOf(flaky.get("error")).startsWith("cancelled while waiting to retry, after attempt 1 failed: "
                + "the container exited with code 1"), String.valueOf(flaky.get("error")));
        assertEquals("exit_code", result(doc, "flaky").get("failure_reason"), "the result is the last attempt's");
        assertEquals("skipped", task(doc, "after").get("status"));
        System.out.printf("Ctrl-C during a 120 s backoff: the CLI exited %.2f s later%n", seconds);
    }
}
