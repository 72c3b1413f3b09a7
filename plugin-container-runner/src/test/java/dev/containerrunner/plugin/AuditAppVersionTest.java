package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's version is the seed's (1.0.0), reported by the app and on every audit line (no engine needed). */
class AuditAppVersionTest {

    @TempDir
    Path dir;

    @Test
    void theAppReportsVersion100AndEveryAuditLineCarriesIt() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (ContainerRunnerApp app = new ContainerRunnerApp()) {
            assertEquals("1.0.0", app.version());
            app.configure(Map.of("audit_log", audit.toString()));
            ActionRegistry actions = ActionRegistry.of(app);
            assertThrows(PolicyDeniedException.class, () -> actions.get("run_container").validator()
                    .check(Map.of("image", "evil/tool:1")));
        }
        List<String> lines = Files.readAllLines(audit);
        assertEquals(1, lines.size(), lines.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> line = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertEquals("denied", line.get("outcome"));
        assertEquals("1.0.0", line.get("app_version"));
        assertEquals("app_version", List.copyOf(line.keySet()).get(line.size() - 1), "added last: " + line.keySet());
    }
}
