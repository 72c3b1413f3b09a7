package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.RecordingSink;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 re-run: collect_output with {@code upload_to_s3: true} and no {@code s3} is refused
 * when the workflow is validated (finding 12), and the audit line never claims a pids limit the
 * backend did not apply (finding 9).
 */
class ValidationTimeRefusalsTest {

    private static final String IMAGE = "container-runner-test/busybox:1.35-debian";

    private static ActionRegistry actions(Map<String, Object> configuration) {
        ContainerRunnerApp app = new ContainerRunnerApp();
        app.configure(configuration);
        ActionRegistry registry = new ActionRegistry("platform.container_runner");
        app.registerActions(registry);
        return registry;
    }

    @Test
    void uploadToS3WithoutAStoreIsRefusedAtValidation() {
        Map<String, Object> kwargs = Map.of("container_id", "0123456789ab", "file_paths", List.of("/out"), "upload_to_s3", true);
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> actions(Map.of()).get("collect_output").validator().check(kwargs));
        assertEquals("upload_to_s3", e.parameter());
        assertTrue(e.getMessage().contains("is true but no S3 store is configured"), e.getMessage());
        // with a store, or inline, the same request validates
        actions(Map.of("s3", Map.of("bucket", "artifacts"))).get("collect_output").validator().check(kwargs);
        actions(Map.of()).get("collect_output").validator().check(Map.of("container_id", "0123456789ab",
                "file_paths", List.of("/out"), "upload_to_s3", false));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> auditedLimits(RunnerConfig config) throws Exception {
        ContainerBackend backend = mock(ContainerBackend.class);
        when(backend.run(any(), any(), any())).thenReturn(RunResult.builder("c0ffee", true).image(IMAGE, "sha256:1234")
                .verdict(new RunVerdict(false, false, false, 0L, null, null), null).build());
        RecordingSink sink = new RecordingSink(0, false);
        AuditLog log = new AuditLog(Optional.of(sink), false);
        new RunAttempts(() -> config, () -> backend, () -> log).run("run_container", Map.of("image", IMAGE),
                new TestContext("t1"));
        Map<String, Object> line = new ObjectMapper().readValue(sink.lines.get(0), Map.class);
        return (Map<String, Object>) line.get("limits");
    }

    @Test
    void theAuditedPidsLimitIsNullOnKubernetes() throws Exception {
        Map<String, Object> onKubernetes = auditedLimits(RunnerConfig.from(Map.of("backend", "kubernetes",
                "allowed_images", List.of("container-runner-test/*:*"))));
        assertTrue(onKubernetes.containsKey("pids_limit"), "the same key: audit fields are public API");
        assertNull(onKubernetes.get("pids_limit"), "a pod has no per-container pids limit");
        assertEquals(256, auditedLimits(RunnerConfig.from(Map.of("allowed_images", List.of("container-runner-test/*:*"))))
                .get("pids_limit"));
    }
}
