package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every rung of the outcome ladder has one failure reason; the plugin's reasons are the SPI's. */
class FailureReasonMappingTest {

    private static final String PROBLEM = "input_data: only 1 of 2 bytes were delivered";

    /** One verdict per outcome, and the reason (and retryable) it must give. */
    private static final Map<RunOutcome, RunVerdict> EXAMPLES = new EnumMap<>(Map.of(
            RunOutcome.SUCCEEDED, new RunVerdict(false, false, false, 0L, null, null),
            RunOutcome.EXIT_CODE, new RunVerdict(false, false, false, 3L, null, null),
            RunOutcome.TIMED_OUT, new RunVerdict(false, true, false, 143L, null, null),
            RunOutcome.START_FAILED, new RunVerdict(false, false, false, 128L, null, null).withStartProblem("no such command"),
            RunOutcome.OOM_KILLED, new RunVerdict(false, false, true, 137L, null, null),
            RunOutcome.KILLED, new RunVerdict(false, false, false, 137L, null, null),
            RunOutcome.CANCELLED, new RunVerdict(true, false, false, null, null, null),
            RunOutcome.OUTPUT_FILE_FAILED, new RunVerdict(false, false, false, 0L, null, "output_file /out/x was not written"),
            RunOutcome.OUTPUT_READ_FAILED, new RunVerdict(false, false, false, 0L, new IOException("reset"), null),
            RunOutcome.INPUT_NOT_DELIVERED, new RunVerdict(false, false, false, 0L, null, null, PROBLEM)));

    private static final Map<RunOutcome, FailureReason> EXPECTED = new EnumMap<>(Map.of(
            RunOutcome.EXIT_CODE, FailureReason.EXIT_CODE,
            RunOutcome.TIMED_OUT, FailureReason.TIMEOUT,
            RunOutcome.START_FAILED, FailureReason.START_FAILED,
            RunOutcome.OOM_KILLED, FailureReason.OOM_KILLED,
            RunOutcome.KILLED, FailureReason.KILLED,
            RunOutcome.CANCELLED, FailureReason.CANCELLED,
            RunOutcome.OUTPUT_FILE_FAILED, FailureReason.OUTPUT_FILE_UNREADABLE,
            RunOutcome.OUTPUT_READ_FAILED, FailureReason.ENGINE_LOST,
            RunOutcome.INPUT_NOT_DELIVERED, FailureReason.ENGINE_LOST));

    @Test
    void everyRungHasItsReasonAndOnlyTransportFailuresAreRetryable() {
        assertEquals(Set.of(RunOutcome.values()), EXAMPLES.keySet(), "an example for every outcome");
        for (RunOutcome outcome : RunOutcome.values()) {
            RunVerdict v = EXAMPLES.get(outcome);
            assertEquals(outcome, v.outcome());
            assertEquals(EXPECTED.get(outcome), v.failureReason(), outcome.name());
            RunResult r = RunResult.builder("c1", false).verdict(v, v.error(RunVerdict.Wording.DOCKER, Duration.ofSeconds(5),
                    Duration.ofSeconds(1), MemorySize.parse("64m"))).build();
            Map<String, Object> m = r.toMap();
            assertEquals(outcome == RunOutcome.SUCCEEDED ? null : EXPECTED.get(outcome).wireName(), m.get("failure_reason"));
            assertEquals(outcome == RunOutcome.OUTPUT_READ_FAILED || outcome == RunOutcome.INPUT_NOT_DELIVERED,
                    m.get("retryable"), outcome.name());
        }
    }

    @Test
    void theStartProblemIsTheErrorAndCancellationAndTimeoutKeepPrecedence() {
        RunVerdict refused = new RunVerdict(false, false, false, 128L, null, null).withStartProblem("exec: no such file");
        assertEquals("exec: no such file", refused.error(RunVerdict.Wording.KUBERNETES, Duration.ofSeconds(5),
                Duration.ofSeconds(1), MemorySize.parse("64m")));
        assertEquals("failed", refused.outcome().auditName());
        assertEquals(RunOutcome.CANCELLED, new RunVerdict(true, false, false, 128L, null, null).withStartProblem("x").outcome());
        assertEquals(RunOutcome.TIMED_OUT, new RunVerdict(false, true, false, 128L, null, null).withStartProblem("x").outcome());
    }

    @Test
    void anOutputFileProblemIsReportedByItsClass() {
        for (FailureReason reason : List.of(FailureReason.OUTPUT_FILE_MISSING, FailureReason.OUTPUT_FILE_TOO_LARGE,
                FailureReason.OUTPUT_FILE_UNREADABLE, FailureReason.CANCELLED)) {
            RunVerdict v = new RunVerdict(false, false, false, 0L, null, null)
                    .withOutputFile(new OutputFile(null, null, "output_file /out/x: problem", reason));
            assertEquals(RunOutcome.OUTPUT_FILE_FAILED, v.outcome());
            assertEquals(reason, v.failureReason());
            assertEquals("output_file /out/x: problem", v.outputFileProblem());
        }
        RunVerdict read = new RunVerdict(false, false, false, 0L, null, null).withOutputFile(new OutputFile("hi", "utf-8", null, null));
        assertEquals(RunOutcome.SUCCEEDED, read.outcome());
        assertNull(read.failureReason());
        assertEquals(FailureReason.OUTPUT_FILE_MISSING, OutputFile.reason(CollectedFile.Reason.NOT_FOUND));
        assertEquals(FailureReason.OUTPUT_FILE_TOO_LARGE, OutputFile.reason(CollectedFile.Reason.TOO_LARGE));
        assertEquals(FailureReason.OUTPUT_FILE_UNREADABLE, OutputFile.reason(CollectedFile.Reason.NOT_A_REGULAR_FILE));
        assertEquals(FailureReason.OUTPUT_FILE_UNREADABLE, OutputFile.reason(CollectedFile.Reason.BUDGET_EXCEEDED));
    }

    @Test
    void theResultEndsWithTheReasonRetryableAndAttempt() {
        RunResult cancelled = RunResult.builder(null, true).attempt(3).cancelledBeforeStart().build();
        Map<String, Object> m = cancelled.toMap();
        List<String> keys = List.copyOf(m.keySet());
        assertEquals(List.of("error", "failure_reason", "retryable", "attempt"), keys.subList(keys.size() - 4, keys.size()));
        assertEquals(List.of("cancelled", false, 3), List.of(m.get("failure_reason"), m.get("retryable"), m.get("attempt")));
        assertEquals(1, RunResult.builder("c", false).verdict(EXAMPLES.get(RunOutcome.SUCCEEDED), null).build().toMap()
                .get("attempt"), "1 unless the engine says otherwise");
    }

    @Test
    void thePluginsReasonsAreTheSpisByNameAndRetryability() {
        assertEquals(Arrays.stream(dev.containerrunner.spi.FailureReason.values()).map(Enum::name).collect(Collectors.toSet()),
                Arrays.stream(FailureReason.values()).map(Enum::name).collect(Collectors.toSet()));
        for (FailureReason r : FailureReason.values()) {
            assertEquals(r.spi().wireName(), r.wireName());
            assertEquals(r.spi().retryable(), r.retryable());
            assertEquals(r, FailureReason.of(r.spi()));
        }
        for (CollectedFile.Reason r : CollectedFile.Reason.values()) {
            assertEquals(r.wireName(), r.failureReason().wireName(), "collect reasons are failure reasons of the same name");
        }
    }

    @Test
    void failuresCarryTheirReason() {
        assertEquals(Optional.of(FailureReason.POLICY_DENIED), FailureReason.of(new PolicyDeniedException("run_container",
                "image", "is not allowed")));
        assertEquals(Map.of("failure_reason", "policy_denied", "retryable", false),
                new PolicyDeniedException("run_container", "image", "is not allowed").resultFields());
        assertEquals(Optional.of(FailureReason.INVALID_REQUEST), FailureReason.of(new InvalidKwargsException("run_container",
                "image", "is required")));
        assertEquals(Optional.of(FailureReason.ENGINE_ERROR), FailureReason.of(new ContainerEngineException("inspect", "500", null)));
        ContainerEngineException lost = new ContainerEngineException("wait", "lost", null, FailureReason.ENGINE_LOST);
        assertEquals(Map.of("failure_reason", "engine_lost", "retryable", true), lost.resultFields());
        assertEquals(Optional.empty(), FailureReason.of(new ActionFailedException("run", "no class")));
        assertEquals(Optional.empty(), FailureReason.of(new IllegalStateException("x")));
        ImageNotAvailableException unknown = new ImageNotAvailableException("a:1", "pull failed (registry error): disk full", null);
        assertEquals(Optional.empty(), FailureReason.of(unknown), "an unclassed pull failure has no reason, none is guessed");
        assertTrue(new ContainerEngineException("connect", "x", null, FailureReason.ENGINE_UNREACHABLE).failureReason()
                .orElseThrow().retryable());
        assertFalse(FailureReason.START_FAILED.retryable());
    }
}
