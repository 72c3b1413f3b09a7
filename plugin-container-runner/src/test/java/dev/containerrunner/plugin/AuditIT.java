package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.audit.AuditLogException;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidConfigurationException;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One audit line per attempt — allowed, denied, invalid, failed, timed out — and no secrets; and
 * the audit log fails closed: a destination that cannot take a line is refused at configure time,
 * and a run whose log became unwritable creates nothing.
 */
class AuditIT extends DockerIT {

    static Path auditFile;

    @BeforeAll
    static void withAuditFile() throws IOException {
        app.close();
        auditFile = Files.createTempDirectory("audit").resolve("logs/audit.jsonl");
        Map<String, Object> config = baseConfig();
        config.put("audit_log", auditFile.toString());
        start(config);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> lines() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(auditFile)) {
            out.add(new ObjectMapper().readValue(line, Map.class));
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAttemptIsOneLineAndEnvironmentValuesNeverAppear() throws IOException {
        int before = Files.exists(auditFile) ? lines().size() : 0;
        TestContext ctx = new TestContext("audited");
        call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sh", "-c", "echo ok"),
                "environment", Map.of("SECRET_TOKEN", "hunter2-value-never-logged"));
        call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sh", "-c", "exit 7"));
        call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sleep", "60"), "timeout_seconds", 1);
        assertThrows(InvalidKwargsException.class, () -> actions.get("run_container").handler()
                .invoke(Map.of("image", "evil/tool:1"), ctx));
        assertThrows(InvalidKwargsException.class, () -> actions.get("run_container").handler()
                .invoke(Map.of("image", TestImages.BUSYBOX, "memory_limit", "lots"), ctx));
        assertThrows(InvalidKwargsException.class, () -> actions.get("run_container").validator()
                .check(Map.of("image", TestImages.BUSYBOX, "network", "host")));

        List<Map<String, Object>> lines = lines().subList(before, lines().size());
        assertEquals(List.of("succeeded", "failed", "timed_out", "denied", "invalid", "denied"),
                lines.stream().map(l -> l.get("outcome")).toList());
        assertFalse(Files.readString(auditFile).contains("hunter2"), "environment values never appear");

        Map<String, Object> ok = lines.get(0);
        assertEquals(List.of("SECRET_TOKEN"), ok.get("environment_names"));
        assertEquals("run", ok.get("phase"));
        assertEquals("docker", ok.get("backend"));
        assertEquals("test", ok.get("workflow"));
        assertEquals("audited", ok.get("task_id"));
        assertEquals("run_container", ok.get("action"));
        assertEquals(TestImages.BUSYBOX, ok.get("image_requested"));
        assertEquals("docker.io/" + TestImages.BUSYBOX, ok.get("image_resolved"));
        assertTrue(((String) ok.get("image_digest")).startsWith("sha256:"));
        assertEquals(List.of("sh", "-c", "echo ok"), ok.get("command"));
        assertEquals("none", ok.get("network"));
        assertEquals("65534:65534", ok.get("user"));
        assertEquals(0, ok.get("exit_code"));
        assertEquals(Map.of("timeout_seconds", 300, "memory_limit", "512m", "cpu_limit", 1.0, "pids_limit", 64),
                ok.get("limits"));
        assertTrue(ok.containsKey("timestamp") && ok.containsKey("duration_seconds") && ok.containsKey("container_id"));

        assertEquals(7, lines.get(1).get("exit_code"));
        assertTrue(((String) lines.get(3).get("reason")).contains("allowed_images"));
        assertEquals("evil/tool:1", lines.get(3).get("image_requested"));
        assertNull(lines.get(3).get("container_id"), "a denied attempt created nothing");
        assertTrue(((String) lines.get(4).get("reason")).contains("memory_limit"));
        assertEquals("validate", lines.get(5).get("phase"));
    }

    /** The outcome comes from the typed RunOutcome: a file named "...not-cancelled..." that was not written is a failure. */
    @Test
    void anUnwrittenOutputFileIsAuditedAsFailedWhateverItsNameSays() throws IOException {
        int before = lines().size();
        Map<String, Object> r = call("run_with_input", new TestContext("not-cancelled"), "image", TestImages.BUSYBOX,
                "command", List.of("true"), "output_file", "/out/job-was-not-cancelled.txt");
        assertEquals(false, r.get("success"));
        List<Map<String, Object>> added = lines().subList(before, lines().size());
        assertEquals(1, added.size(), added.toString());
        assertEquals("failed", added.get(0).get("outcome"));
        assertEquals("/out/job-was-not-cancelled.txt", added.get(0).get("output_file"));
        assertEquals(r.get("error"), added.get(0).get("reason"));
    }

    @Test
    void destinationsThatCannotTakeALineAreRefusedAtConfigureTime() throws Exception {
        for (String bad : List.of("/dev/full", "/dev/null")) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> configured(bad, false));
            assertEquals("audit_log", e.key());
            assertTrue(e.getMessage().contains("is a character device, not a regular file"), e.getMessage());
        }
        try (TinyFileSystem readOnly = TinyFileSystem.mount("ro,size=64k")) {
            String file = readOnly.root.resolve("audit.jsonl").toString();
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> configured(file, false));
            assertEquals("audit_log", e.key());
            assertTrue(e.getMessage().contains("cannot be opened for appending: Read-only file system"), e.getMessage());
        }
        try (TinyFileSystem full = TinyFileSystem.mount("size=256k")) {
            full.fill();
            String file = full.root.resolve("audit.jsonl").toString();
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> configured(file, false));
            assertTrue(e.getMessage().contains("has no room: its file system has 0 bytes free"), e.getMessage());
        }
    }

    /** The log fills up after start-up: the run is refused before the engine is asked for anything; room again, it runs. */
    @Test
    void aRunWhoseLogFilledUpCreatesNothing() throws Exception {
        for (boolean startLines : List.of(false, true)) {
            try (TinyFileSystem fs = TinyFileSystem.mount("size=256k")) {
                Path file = fs.root.resolve("audit.jsonl");
                Counted app = configured(file.toString(), startLines);
                try {
                    Path filler = fs.fill();
                    TestContext ctx = new TestContext("full-" + startLines);
                    AuditLogException e = assertThrows(AuditLogException.class, () -> app.run(ctx, List.of("true")));
                    assertTrue(e.getMessage().startsWith("run_container: not run, nothing was created: the audit log " + file
                            + " has no room"), e.getMessage());
                    assertEquals(List.of(), app.engineCalls, "nothing was pulled, created or started");
                    assertEquals(List.of(), ctx.lines);
                    assertEquals(List.of(), Files.readAllLines(file));

                    Files.delete(filler);
                    assertEquals(true, app.run(new TestContext("room-again"), List.of("true")).get("success"));
                    assertEquals(startLines ? List.of("started", "succeeded") : List.of("succeeded"), outcomes(file));
                } finally {
                    app.close();
                }
            }
        }
    }

    /** The file is made immutable after start-up (root ignores modes; chattr +i stops root too). */
    @Test
    void aRunWhoseLogBecameUnwritableCreatesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Counted app = configured(file.toString(), false);
        try {
            TinyFileSystem.run("chattr", "+i", file.toString());
            TestContext ctx = new TestContext("immutable");
            AuditLogException e = assertThrows(AuditLogException.class, () -> app.run(ctx, List.of("true")));
            assertEquals("run_container: not run, nothing was created: the audit log " + file
                    + " cannot be opened for appending: Operation not permitted", e.getMessage());
            assertEquals(List.of(), app.engineCalls);
        } finally {
            TinyFileSystem.run("chattr", "-i", file.toString());
            app.close();
        }
        assertEquals(List.of(), Files.readAllLines(file));
    }

    /** The file becomes unwritable while the container runs: the started line proves the attempt, the task fails clearly. */
    @Test
    void aFinalLineThatCannotBeWrittenFailsTheTaskAndTheStartedLineRemains(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Counted app = configured(file.toString(), true);
        TestContext ctx = new TestContext("final-line");
        Thread locker = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (ctx.lines.stream().noneMatch(l -> l.contains("started container"))) {
                    if (System.nanoTime() > deadline) {
                        return; // the assertions below say what happened instead
                    }
                    Thread.sleep(20);
                }
                TinyFileSystem.run("chattr", "+i", file.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            locker.start();
            AuditLogException e = assertThrows(AuditLogException.class, () -> app.run(ctx, List.of("sh", "-c", "sleep 2; echo done")));
            locker.join();
            List<Map<String, Object>> written = parse(file);
            assertEquals(1, written.size());
            assertEquals("started", written.get(0).get("outcome"));
            String shortId = ctx.lines.stream().filter(l -> l.contains("started container")).findFirst().orElseThrow()
                    .replaceAll(".*started container ([0-9a-f]+) .*", "$1");
            assertTrue(e.getMessage().startsWith("run_container: the container ran (outcome succeeded, exit code 0, container "
                    + shortId), e.getMessage());
            assertTrue(e.getMessage().contains("but its audit line is missing (its started line, attempt_id "
                    + written.get(0).get("attempt_id") + ", was written): cannot append to the audit log " + file
                    + ": Operation not permitted"), e.getMessage());
            assertEquals(List.of(), app.gateway().findContainers(Map.of(Labels.RUN, ctx.runId())), "removed as usual");
        } finally {
            locker.join();
            TinyFileSystem.run("chattr", "-i", file.toString());
            app.close();
        }
    }

    private static List<Object> outcomes(Path file) throws IOException {
        return parse(file).stream().map(l -> l.get("outcome")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(new ObjectMapper().readValue(line, Map.class));
        }
        return out;
    }

    /** An app of its own on the real engine whose gateway records every call that would pull or create something. */
    private static Counted configured(String auditLog, boolean startLines) {
        Map<String, Object> config = baseConfig();
        config.put("audit_log", auditLog);
        config.put("audit_start_lines", startLines);
        List<String> calls = new CopyOnWriteArrayList<>();
        ContainerRunnerApp app = new ContainerRunnerApp(c -> counting(ContainerRunnerApp.dockerGateway(c), calls));
        app.configure(config);
        return new Counted(app, ActionRegistry.of(app), calls);
    }

    private static DockerGateway counting(DockerGateway real, List<String> calls) {
        return (DockerGateway) Proxy.newProxyInstance(DockerGateway.class.getClassLoader(), new Class<?>[] {DockerGateway.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("create") || method.getName().equals("ensureImage")) {
                        calls.add(method.getName());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** An app, its actions and the engine calls that would have made something. */
    private record Counted(ContainerRunnerApp app, ActionRegistry registry, List<String> engineCalls) {
        Map<String, Object> run(TestContext ctx, List<String> command) {
            return ActionCalls.call(registry, "run_container", ctx, "image", TestImages.BUSYBOX, "command", command);
        }

        DockerGateway gateway() {
            return app.gateway();
        }

        void close() {
            app.close();
        }
    }
}
