package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One audit line per attempt — allowed, denied, invalid, failed, timed out — and no secrets. */
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
}
