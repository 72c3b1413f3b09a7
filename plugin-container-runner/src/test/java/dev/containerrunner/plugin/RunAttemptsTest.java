package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.AuditLogException;
import dev.containerrunner.plugin.audit.RecordingSink;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The fail-closed audit rule of the run actions, with a backend that records whether it was asked
 * to create anything and an audit sink that fails on the n-th line.
 */
class RunAttemptsTest {

    private static final String IMAGE = "container-runner-test/busybox:1.35-debian";
    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("allowed_images", List.of("container-runner-test/*:*")));

    private final ContainerBackend backend = mock(ContainerBackend.class);
    private final TestContext ctx = new TestContext("t1");

    private RunAttempts attempts(RecordingSink sink, boolean startLines) {
        AuditLog log = new AuditLog(Optional.of(sink), startLines);
        return new RunAttempts(() -> CONFIG, () -> backend, () -> log);
    }

    private static RunResult exited(long code) {
        return RunResult.builder("c0ffee", true).image(IMAGE, "sha256:1234")
                .verdict(new RunVerdict(false, false, false, code, null, null), code == 0 ? null : "exit code " + code).build();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parsed(RecordingSink sink) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : sink.lines) {
            out.add(new ObjectMapper().readValue(line, Map.class));
        }
        return out;
    }

    private static Map<String, Object> ok() {
        return Map.of("image", IMAGE, "command", List.of("true"), "environment", Map.of("TOKEN", "s3cret"));
    }

    @Test
    void withStartLinesAnAttemptHasAStartedLineThenItsOutcomeSharingOneAttemptId() throws IOException {
        when(backend.run(any(), any(), any())).thenReturn(exited(0));
        RecordingSink sink = new RecordingSink(0, false);
        assertEquals(true, attempts(sink, true).run("run_with_input", ok(), ctx).get("success"));
        List<Map<String, Object>> lines = parsed(sink);
        assertEquals(List.of("started", "succeeded"), lines.stream().map(l -> l.get("outcome")).toList());
        assertEquals(lines.get(0).get("attempt_id"), lines.get(1).get("attempt_id"));
        assertEquals(List.of("TOKEN"), lines.get(0).get("environment_names"));
        assertEquals("t1", lines.get(0).get("task_id"));
        assertFalse(lines.get(0).containsKey("container_id"), "nothing exists yet when the started line is written");
        assertFalse(String.join("", sink.lines).contains("s3cret"));
    }

    @Test
    void withoutStartLinesAnAttemptIsOneLine() throws IOException {
        when(backend.run(any(), any(), any())).thenReturn(exited(3));
        RecordingSink sink = new RecordingSink(0, false);
        attempts(sink, false).run("run_container", Map.of("image", IMAGE), ctx);
        assertEquals(List.of("failed"), parsed(sink).stream().map(l -> l.get("outcome")).toList());
    }

    @Test
    void whenTheStartedLineCannotBeWrittenNothingIsCreated() {
        RecordingSink sink = new RecordingSink(1, false);
        AuditLogException e = assertThrows(AuditLogException.class, () -> attempts(sink, true).run("run_container", ok(), ctx));
        assertEquals("run_container: not run, nothing was created: cannot append to the audit log /test/audit.jsonl: "
                + "No space left on device", e.getMessage());
        assertEquals("/test/audit.jsonl", e.destination());
        verify(backend, never()).run(any(), any(), any());
    }

    @Test
    void whenTheFileCannotTakeALineBeforeTheRunNothingIsCreatedWithOrWithoutStartLines() {
        for (boolean startLines : List.of(false, true)) {
            RecordingSink sink = new RecordingSink(0, true);
            AuditLogException e = assertThrows(AuditLogException.class,
                    () -> attempts(sink, startLines).run("run_container", ok(), ctx));
            assertEquals("run_container: not run, nothing was created: the audit log /test/audit.jsonl has no room: its file"
                    + " system has 0 bytes free, at least 65536 are required", e.getMessage());
            assertEquals(0, sink.appends());
        }
        verify(backend, never()).run(any(), any(), any());
    }

    @Test
    void whenTheFinalLineCannotBeWrittenTheTaskFailsSayingTheContainerRan() {
        when(backend.run(any(), any(), any())).thenReturn(exited(0));
        RecordingSink sink = new RecordingSink(2, false);
        AuditLogException e = assertThrows(AuditLogException.class, () -> attempts(sink, true).run("run_container", ok(), ctx));
        assertTrue(e.getMessage().startsWith("run_container: the container ran (outcome succeeded, exit code 0, container c0ffee)"
                + " but its audit line is missing (its started line, attempt_id "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", was written): cannot append to the audit log /test/audit.jsonl: No space left on"
                + " device"), e.getMessage());
        assertEquals(1, sink.lines.size());
        assertTrue(sink.lines.get(0).contains("\"outcome\":\"started\""), "the started line proves the attempt");
        assertTrue(e.getMessage().contains(sink.lines.get(0).replaceAll(".*\"attempt_id\":\"([^\"]+)\".*\\s*", "$1")));
        verify(backend, times(1)).run(any(), any(), any());

        RecordingSink oneLine = new RecordingSink(1, false);
        AuditLogException without = assertThrows(AuditLogException.class,
                () -> attempts(oneLine, false).run("run_container", ok(), ctx));
        assertEquals("run_container: the container ran (outcome succeeded, exit code 0, container c0ffee) but its audit line is"
                + " missing: cannot append to the audit log /test/audit.jsonl: No space left on device", without.getMessage());
    }

    @Test
    void aDenialOrInvalidRequestWhoseLineCannotBeWrittenFailsCleanlyWithBothReasons() {
        RecordingSink sink = new RecordingSink(1, false);
        AuditLogException denied = assertThrows(AuditLogException.class,
                () -> attempts(sink, true).run("run_container", Map.of("image", "evil/tool:1"), ctx));
        assertTrue(denied.getMessage().contains("allowed_images"), denied.getMessage());
        assertTrue(denied.getMessage().endsWith("; this attempt is missing from the audit log: cannot append to the audit log"
                + " /test/audit.jsonl: No space left on device"), denied.getMessage());
        assertInstanceOf(PolicyDeniedException.class, denied.getSuppressed()[0]);

        AuditLogException invalid = assertThrows(AuditLogException.class,
                () -> attempts(new RecordingSink(1, false), true).run("run_container", Map.of("image", IMAGE, "memory_limit", "lots"), ctx));
        assertTrue(invalid.getMessage().startsWith("run_container: parameter 'memory_limit'"), invalid.getMessage());
        assertInstanceOf(InvalidKwargsException.class, invalid.getSuppressed()[0]);

        AuditLogException validated = assertThrows(AuditLogException.class,
                () -> attempts(new RecordingSink(1, false), false).validate("run_container", Map.of("image", "evil/tool:1")));
        assertTrue(validated.getMessage().contains("allowed_images") && validated.getMessage().contains("missing from the audit log"),
                validated.getMessage());
        verify(backend, never()).run(any(), any(), any());
    }

    @Test
    void anEngineErrorWhoseLineCannotBeWrittenKeepsTheEnginesMessage() {
        when(backend.run(any(), any(), any())).thenThrow(new ContainerEngineException("create", "cannot reach the Docker engine at unix:///x", null));
        AuditLogException e = assertThrows(AuditLogException.class,
                () -> attempts(new RecordingSink(2, false), true).run("run_container", ok(), ctx));
        assertTrue(e.getMessage().startsWith("create: cannot reach the Docker engine at unix:///x; this attempt is missing from the audit"
                + " log: "), e.getMessage());
    }

    @Test
    void denialsAndInvalidRequestsAreOneLineEvenWithStartLines() throws IOException {
        RecordingSink sink = new RecordingSink(0, false);
        RunAttempts a = attempts(sink, true);
        assertThrows(PolicyDeniedException.class, () -> a.run("run_container", Map.of("image", "evil/tool:1"), ctx));
        assertThrows(InvalidKwargsException.class, () -> a.run("run_container", Map.of("image", IMAGE, "cpu_limit", -1), ctx));
        assertEquals(List.of("denied", "invalid"), parsed(sink).stream().map(l -> l.get("outcome")).toList());
    }

    /** The audit reads the typed outcome: an output_file whose name says "cancelled" is no cancellation. */
    @Test
    void anUnwrittenOutputFileIsAuditedAsFailedWhateverItsNameSays() throws IOException {
        String problem = "output_file /out/job-was-not-cancelled.txt was not written by the program";
        when(backend.run(any(), any(), any())).thenReturn(RunResult.builder("c1", true).image(IMAGE, "sha256:1")
                .verdict(new RunVerdict(false, false, false, 0L, null, problem), problem).build());
        RecordingSink sink = new RecordingSink(0, false);
        attempts(sink, false).run("run_with_input", Map.of("image", IMAGE, "output_file", "/out/job-was-not-cancelled.txt"), ctx);
        Map<String, Object> line = parsed(sink).get(0);
        assertEquals("failed", line.get("outcome"));
        assertEquals(problem, line.get("reason"));
    }

    @Test
    void aTaskTheEngineCouldNotStartIsAuditedAsInvalidWithoutKwargs() throws IOException {
        RecordingSink sink = new RecordingSink(0, true);
        attempts(sink, true).notStarted("run_container", ctx, "reference {{ a.b }} does not resolve");
        Map<String, Object> line = parsed(sink).get(0);
        assertEquals("run", line.get("phase"));
        assertEquals("invalid", line.get("outcome"));
        assertEquals("not started by the engine: reference {{ a.b }} does not resolve", line.get("reason"));
        assertEquals("run-t1", line.get("run_id"));
        assertEquals("t1", line.get("task_id"));
        assertEquals("run_container", line.get("action"));
        assertNull(line.get("image_requested"));

        AuditLogException e = assertThrows(AuditLogException.class,
                () -> attempts(new RecordingSink(1, false), false).notStarted("run_container", ctx, "why"));
        assertTrue(e.getMessage().startsWith("cannot append to the audit log /test/audit.jsonl"), e.getMessage());
    }

    @Test
    void eachLineCarriesTheAttemptNumberAndFailureReason() throws IOException {
        when(backend.run(any(), any(), any())).thenReturn(exited(3));
        RecordingSink sink = new RecordingSink(0, false);
        ctx.attempt = 2;
        attempts(sink, false).run("run_container", Map.of("image", IMAGE), ctx);
        assertThrows(PolicyDeniedException.class, () -> attempts(sink, false).run("run_container", Map.of("image", "evil/tool:1"),
                ctx));
        assertThrows(InvalidKwargsException.class, () -> attempts(sink, false).run("run_container", Map.of("image", IMAGE,
                "timeout_seconds", -1), ctx));
        when(backend.run(any(), any(), any())).thenThrow(new ContainerEngineException("connect", "cannot reach", null,
                dev.containerrunner.plugin.execution.FailureReason.ENGINE_UNREACHABLE));
        assertThrows(ContainerEngineException.class, () -> attempts(sink, false).run("run_container", Map.of("image", IMAGE), ctx));
        List<Map<String, Object>> lines = parsed(sink);
        assertEquals(List.of("exit_code", "policy_denied", "invalid_request", "engine_unreachable"),
                lines.stream().map(l -> l.get("failure_reason")).toList());
        assertEquals(List.of(2, 2, 2, 2), lines.stream().map(l -> l.get("attempt")).toList());
    }
}
