package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.doThrow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.RecordingSink;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.execution.UsageReport;
import dev.containerrunner.plugin.execution.UsageUnavailable;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run attempt that throws (start failed, image not found, input missing or mismatched) carries
 * {@code usage: null} and {@code usage_unavailable_reason} in its result fields and its error audit
 * line; refusals at parse/policy are no runs and carry neither.
 */
class ThrownRunUsageTest {

    private static final String IMAGE = "container-runner-test/busybox:1.35-debian";
    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("allowed_images", List.of("container-runner-test/*:*")));

    private final ContainerBackend backend = mock(ContainerBackend.class);
    private final TestContext ctx = new TestContext("t1");
    private final RecordingSink sink = new RecordingSink(0, false);

    private RunAttempts attempts() {
        AuditLog log = new AuditLog(Optional.of(sink), false);
        return new RunAttempts(() -> CONFIG, () -> backend, () -> log);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastLine() throws IOException {
        return new ObjectMapper().readValue(sink.lines.get(sink.lines.size() - 1), Map.class);
    }

    private void assertNotStarted(Map<String, Object> m) {
        assertTrue(m.containsKey("usage"), m.toString());
        assertEquals(null, m.get("usage"));
        assertEquals("not_started", m.get("usage_unavailable_reason"), m.toString());
    }

    private void assertThrownRunCarriesNotStarted(String action, ContainerEngineException thrown, String reason) throws IOException {
        doThrow(thrown).when(backend).run(any(), any(), any());
        ContainerEngineException e = assertThrows(ContainerEngineException.class,
                () -> attempts().run(action, Map.of("image", IMAGE), ctx));
        assertSame(thrown, e);
        assertNotStarted(e.resultFields());
        assertEquals(reason, e.resultFields().get("failure_reason"));
        Map<String, Object> line = lastLine();
        assertEquals("error", line.get("outcome"));
        assertEquals(reason, line.get("failure_reason"));
        assertNotStarted(line);
    }

    @Test
    void aStartFailureCarriesNotStartedInResultAndAuditLine() throws IOException {
        assertThrownRunCarriesNotStarted("run_container", new ContainerEngineException("start container",
                "exec: \"/nonexistent\": no such file", null, FailureReason.START_FAILED), "start_failed");
    }

    @Test
    void anImageNotFoundCarriesNotStartedInResultAndAuditLine() throws IOException {
        assertThrownRunCarriesNotStarted("run_with_input", new ImageNotAvailableException(IMAGE, FailureReason.IMAGE_NOT_FOUND,
                "not present and pull_policy is never", null), "image_not_found");
    }

    @Test
    void inputFailuresCarryNotStartedInResultAndAuditLine() throws IOException {
        assertThrownRunCarriesNotStarted("run_with_input", new InputFailedException("s3://b/k", "no such object", null,
                FailureReason.INPUT_NOT_FOUND), "input_not_found");
        assertThrownRunCarriesNotStarted("run_container", new InputFailedException("s3://b/k", "sha256 differs", null,
                FailureReason.INPUT_CHECKSUM_MISMATCH), "input_checksum_mismatch");
    }

    @Test
    void whatTheBackendMeasuredBeforeFailingIsKept() throws IOException {
        ContainerEngineException thrown = new ContainerEngineException("wait", "engine went away", null)
                .usageIfAbsent(UsageReport.unavailable(UsageUnavailable.STATS_FAILED));
        doThrow(thrown).when(backend).run(any(), any(), any());
        assertThrows(ContainerEngineException.class, () -> attempts().run("run_container", Map.of("image", IMAGE), ctx));
        assertEquals("stats_failed", thrown.resultFields().get("usage_unavailable_reason"));
        assertEquals("stats_failed", lastLine().get("usage_unavailable_reason"));
    }

    @Test
    void refusalsBeforeTheRunAreNoRunsAndCarryNoUsageKeys() throws IOException {
        assertThrows(PolicyDeniedException.class, () -> attempts().run("run_container", Map.of("image", "evil/tool:1"), ctx));
        assertFalse(lastLine().containsKey("usage_unavailable_reason"));
        assertThrows(InvalidKwargsException.class, () -> attempts().run("run_container", Map.of("image", IMAGE, "cpu_limit", -1), ctx));
        assertFalse(lastLine().containsKey("usage_unavailable_reason"));
    }

    @Test
    void anEngineErrorOutsideARunActionCarriesNoUsageKeys() {
        Map<String, Object> fields = new HashMap<>(new ContainerEngineException("copy", "gone", null,
                FailureReason.ENGINE_ERROR).resultFields());
        assertFalse(fields.containsKey("usage"));
        assertFalse(fields.containsKey("usage_unavailable_reason"));
    }
}
