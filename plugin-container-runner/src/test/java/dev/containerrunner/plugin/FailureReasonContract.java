package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.ResultFields;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 §1 as behaviour every backend shows on its real engine or cluster (mixed into
 * {@link BackendContract}): each way a run ends has its {@code failure_reason} and
 * {@code retryable}, in the result it returns or on the exception it throws (which an engine
 * records as the task's result), and the result and labels carry the engine's attempt number.
 */
public interface FailureReasonContract {

    /** Calls {@code action} as an engine would. */
    Map<String, Object> run(String action, TestContext ctx, Object... kv);

    /** The labels of the run whose public {@code container_id} is {@code containerId} (its container or Job). */
    Map<String, String> runLabels(String containerId);

    private static void reason(String expected, boolean retryable, Map<String, Object> result) {
        assertEquals(expected, result.get("failure_reason"), String.valueOf(result));
        assertEquals(retryable, result.get("retryable"), String.valueOf(result));
    }

    @Test
    default void aSuccessHasNoReasonAndANonZeroExitIsExitCodeOnTheEnginesAttempt() {
        TestContext ok = new TestContext("reason-ok");
        reason(null, false, run("run_container", ok, "image", TestImages.BUSYBOX, "command", List.of("true")));
        TestContext second = new TestContext("reason-exit");
        second.attempt = 2;
        Map<String, Object> r = run("run_container", second, "image", TestImages.BUSYBOX, "command", List.of("sh", "-c", "exit 3"),
                "writable_dirs", List.of("/out")); // kept for collect_output, so its labels can be read
        reason("exit_code", false, r);
        assertEquals(3L, ((Number) r.get("exit_code")).longValue());
        assertEquals(2, r.get("attempt"));
        List<String> keys = List.copyOf(r.keySet());
        assertEquals(List.of("error", "failure_reason", "retryable", "attempt"), keys.subList(keys.size() - 4, keys.size()),
                "added after the existing keys");
        assertEquals("2", runLabels((String) r.get("container_id")).get(Labels.ATTEMPT_NUMBER));
    }

    @Test
    default void aTimeoutIsTimeout() {
        reason("timeout", false, run("run_container", new TestContext("reason-timeout"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "while :; do sleep 0.2; done"), "timeout_seconds", 2));
    }

    @Test
    default void anOomKillIsOomKilled() {
        Map<String, Object> r = run("run_container", new TestContext("reason-oom"), "image", TestImages.PYTHON,
                "command", List.of("python", "-c", "b = bytearray(200 * 1024 * 1024)"), "memory_limit", "32m", "timeout_seconds", 60);
        reason("oom_killed", false, r);
        assertEquals(true, r.get("oom_killed"));
    }

    @Test
    default void aMissingOutputFileIsOutputFileMissing() {
        reason("output_file_missing", false, run("run_with_input", new TestContext("reason-nofile"), "image", TestImages.BUSYBOX,
                "command", List.of("true"), "output_file", "/out/never.txt"));
    }

    @Test
    default void aCancelledTaskIsCancelled() {
        TestContext ctx = new TestContext("reason-cancelled");
        ctx.cancellation.cancel();
        reason("cancelled", false, run("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sleep", "30")));
    }

    @Test
    default void aCommandTheRuntimeCannotStartIsStartFailed() {
        Map<String, Object> fields;
        try {
            fields = run("run_container", new TestContext("reason-start"), "image", TestImages.BUSYBOX,
                    "command", List.of("/no/such/program"));
        } catch (RuntimeException e) { // Docker: the engine refuses the start; Kubernetes: the pod says so in a result
            assertTrue(e instanceof ResultFields, e.toString());
            fields = ((ResultFields) e).resultFields();
            assertTrue(fields.containsKey("usage") && fields.get("usage") == null, String.valueOf(fields)); // a thrown run still says
            assertEquals("not_started", fields.get("usage_unavailable_reason"), String.valueOf(fields));
        }
        reason("start_failed", false, fields);
    }

    @Test
    default void refusalsCarryTheirReasonOnTheException() {
        ImageNotAvailableException missing = assertThrows(ImageNotAvailableException.class, () -> run("run_container",
                new TestContext("reason-never"), "image", TestImages.MISSING, "pull_policy", "never"));
        assertEquals(Optional.of(FailureReason.IMAGE_NOT_FOUND), missing.failureReason());
        assertEquals("image_not_found", missing.resultFields().get("failure_reason"));
        assertEquals("not_started", missing.resultFields().get("usage_unavailable_reason"), String.valueOf(missing.resultFields()));
        PolicyDeniedException denied = assertThrows(PolicyDeniedException.class, () -> run("run_container",
                new TestContext("reason-denied"), "image", "evil/miner:latest"));
        assertEquals(Map.of("failure_reason", "policy_denied", "retryable", false), denied.resultFields());
        InvalidKwargsException invalid = assertThrows(InvalidKwargsException.class, () -> run("run_container",
                new TestContext("reason-invalid"), "image", TestImages.BUSYBOX, "memory_limit", "lots"));
        assertEquals(Map.of("failure_reason", "invalid_request", "retryable", false), invalid.resultFields());
    }

    @Test
    default void collectOutputEntriesAndResultsCarryTheirReason() {
        TestContext ctx = new TestContext("reason-collect");
        Map<String, Object> ran = run("run_container", ctx, "image", TestImages.BUSYBOX, "command",
                List.of("sh", "-c", "echo hi > /out/a.txt"), "writable_dirs", List.of("/out"));
        Map<String, Object> got = run("collect_output", ctx, "container_id", ran.get("container_id"),
                "file_paths", List.of("/out/a.txt", "/out/missing.txt"), "release", true);
        reason("not_found", false, got);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) got.get("files");
        assertNull(files.get(0).get("failure_reason"), "a collected file has no reason: " + files.get(0));
        reason("not_found", false, files.get(1));
    }
}
