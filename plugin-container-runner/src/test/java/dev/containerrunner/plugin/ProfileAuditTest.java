package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refused profile is a denial at validation, audited with the profile it named (no cluster needed: nothing is created). */
class ProfileAuditTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownProfileIsDeniedAndAuditedWithItsName() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (ContainerRunnerApp app = new ContainerRunnerApp()) {
            app.configure(Map.of("audit_log", audit.toString(), "backend", "kubernetes", "allowed_images", List.of("team/*:*"),
                    "profiles", Map.of("batch", Map.of("node_selector", Map.of("pool", "batch")))));
            ActionRegistry actions = ActionRegistry.of(app);
            PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> actions.get("run_container").validator()
                    .check(Map.of("image", "team/tool:1", "profile", "gpus")));
            assertEquals("profile", e.parameter());
            assertEquals(null, actions.get("run_container").parameter("profile").orElseThrow().defaultValue(),
                    "no profile named default: none is taken");
        }
        List<String> lines = Files.readAllLines(audit);
        assertEquals(1, lines.size(), lines.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> line = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertEquals("denied", line.get("outcome"));
        assertEquals("gpus", line.get("profile"));
        assertTrue(String.valueOf(line.get("reason")).contains("'gpus' is not a configured profile (profiles: [batch])"),
                String.valueOf(line.get("reason")));
    }
}
