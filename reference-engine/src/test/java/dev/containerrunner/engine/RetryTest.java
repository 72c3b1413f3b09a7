package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.testkit.TestkitApp;
import dev.containerrunner.spi.FailureReason;
import dev.containerrunner.spi.LogSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Retries, backoff and exit-code skips in the engine, with a backoff timer that records the waits
 * instead of sleeping (no test here depends on the clock).
 */
class RetryTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final BackoffTimer recorded = (delay, cancellation) -> {
        waits.add(delay);
        return !cancellation.isCancelled();
    };

    private WorkflowEngine engine(Map<String, Object> testkit, BackoffTimer timer) {
        return WorkflowEngine.builder()
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("testkit", testkit)), "test"))
                .logListener((task, stream, line) -> lines.add(task + (stream == LogSink.Stream.SYSTEM ? " # " : " ") + line))
                .backoffTimer(timer)
                .build();
    }

    private static List<Integer> attempts(WorkflowRun run, String taskId) {
        return TestkitApp.ATTEMPTS.stream().filter(a -> a.runId().equals(run.runId()) && a.taskId().equals(taskId))
                .map(TestkitApp.Attempt::attempt).toList();
    }

    private static TaskOutcome task(WorkflowRun run, String taskId) {
        return run.tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst().orElseThrow();
    }

    private static Map<String, Object> failing(String reason, int succeedFrom) {
        return Map.of("fail_fields", Map.of("failure_reason", reason), "succeed_from_attempt", succeedFrom);
    }

    @Test
    void aRetryableFailureIsTriedAgainWithGrowingBackoffUntilItSucceeds() {
        try (WorkflowEngine engine = engine(failing("registry_unreachable", 3), recorded)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("flaky", "apps.platform.testkit.fail", Map.of(), "flaky").retry(RetryPolicy.of(5))
                    .build());
            assertTrue(run.succeeded(), run.toString());
            assertEquals(List.of(1, 2, 3), attempts(run, "flaky"), "each attempt is a new call with the next number");
            assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits);
            assertEquals(3, run.result("flaky").get("attempt"), "the last attempt's result is stored");
            TaskOutcome t = task(run, "flaky");
            assertEquals(3, t.attempts());
            assertNull(t.failureReason());
            assertTrue(lines.contains("flaky # attempt 1 of 5 failed (registry_unreachable); attempt 2 in 1.0 s"), lines.toString());
            Map<?, ?> json = (Map<?, ?>) ((List<?>) run.toJson().get("tasks")).get(0);
            assertEquals(3, json.get("attempts"));
        }
    }

    @Test
    void byDefaultOnlyRetryableReasonsAreRetried() {
        try (WorkflowEngine engine = engine(failing("exit_code", 2), recorded)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("exits", "apps.platform.testkit.fail", Map.of(), "exits").retry(RetryPolicy.of(3))
                    .build());
            assertFalse(run.succeeded());
            assertEquals(List.of(1), attempts(run, "exits"));
            assertEquals(List.of(), waits);
            TaskOutcome t = task(run, "exits");
            assertEquals(List.of("exit_code", false, 1), List.of(t.failureReason(), t.retryable(), t.attempts()));
        }
    }

    @Test
    void anExplicitOnRetriesWhatItNamesAndTheLastFailureIsReported() {
        RetryPolicy onExit = new RetryPolicy(3, Duration.ofMillis(500), 3.0, Duration.ofSeconds(1), Set.of(FailureReason.EXIT_CODE));
        try (WorkflowEngine engine = engine(failing("exit_code", 99), recorded)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("exits", "apps.platform.testkit.fail", Map.of(), "exits").retry(onExit)
                    .task("after", "apps.platform.testkit.echo", Map.of("value", 1), null).dependsOn("exits")
                    .build());
            assertEquals(List.of(1, 2, 3), attempts(run, "exits"));
            assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)), waits, "1.5 s is capped at max_backoff");
            TaskOutcome t = task(run, "exits");
            assertEquals(TaskOutcome.Status.FAILED, t.status());
            assertEquals(List.of("exit_code", false, 3), List.of(t.failureReason(), t.retryable(), t.attempts()));
            assertEquals(TaskOutcome.Status.SKIPPED, task(run, "after").status());
            assertEquals(0, task(run, "after").attempts());
        }
    }

    @Test
    void aThrownFailureCarriesItsReasonAndRetryableIsTakenFromTheReasonWhenTheResultLacksIt() {
        try (WorkflowEngine engine = engine(Map.of(), recorded)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("lost", "apps.platform.testkit.boom", Map.of("failure_reason", "engine_lost"), "lost")
                    .retry(RetryPolicy.of(2))
                    .build());
            assertEquals(List.of(1, 2), attempts(run, "lost"));
            TaskOutcome t = task(run, "lost");
            assertEquals(List.of("engine_lost", true, 2), List.of(t.failureReason(), t.retryable(), t.attempts()));
            assertEquals(List.of("success", "error", "failure_reason"), List.copyOf(run.result("lost").keySet()),
                    "the result holds what the exception gave, nothing more");
        }
    }

    @Test
    void cancellationDuringTheBackoffEndsTheTaskAtOnceAsCancelled() {
        WorkflowEngine[] self = new WorkflowEngine[1];
        BackoffTimer cancelsWhileWaiting = (delay, cancellation) -> {
            waits.add(delay);
            self[0].cancelAll(); // Ctrl-C while the task waits to retry
            return !cancellation.isCancelled();
        };
        try (WorkflowEngine engine = engine(failing("start_timeout", 3), cancelsWhileWaiting)) {
            self[0] = engine;
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("waits", "apps.platform.testkit.fail", Map.of(), "waits").retry(RetryPolicy.of(3))
                    .build());
            assertFalse(run.succeeded());
            assertEquals(List.of(1), attempts(run, "waits"), "no attempt after the cancellation");
            TaskOutcome t = task(run, "waits");
            assertEquals(List.of("cancelled", false, 1), List.of(t.failureReason(), t.retryable(), t.attempts()));
            assertTrue(t.error().startsWith("cancelled while waiting to retry, after attempt 1 failed: it failed on purpose"),
                    t.error());
            assertEquals("start_timeout", run.result("waits").get("failure_reason"), "the result is the last attempt's");
        }
    }

    @Test
    void theRealTimerEndsItsWaitWhenTheTaskIsCancelled() {
        dev.containerrunner.spi.CancellationSource cancelled = new dev.containerrunner.spi.CancellationSource();
        cancelled.cancel();
        assertFalse(BackoffTimer.REAL.await(Duration.ofHours(1), cancelled), "an hour's wait ends at once when cancelled");
        assertTrue(BackoffTimer.REAL.await(Duration.ZERO, new dev.containerrunner.spi.CancellationSource()));
    }

    @Test
    void anExitCodeListedInSkipMarksTheTaskAndItsDependentsSkippedAndTheRunSucceeds() {
        Map<String, Object> exits99 = Map.of("fail_fields", Map.of("exit_code", 99, "failure_reason", "exit_code"));
        try (WorkflowEngine engine = engine(exits99, recorded)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("check", "apps.platform.testkit.fail", Map.of(), "check").exitCodes(new ExitCodes(Set.of(99)))
                    .retry(new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, Set.of(FailureReason.EXIT_CODE)))
                    .task("publish", "apps.platform.testkit.echo", Map.of("value", 1), null).dependsOn("check")
                    .build());
            assertTrue(run.succeeded(), "a skip is no failure: " + run.tasks());
            assertEquals(List.of(1), attempts(run, "check"), "a skip is never retried");
            TaskOutcome check = task(run, "check");
            assertEquals(TaskOutcome.Status.SKIPPED, check.status());
            assertEquals("skipped: exit code 99 is listed in exit_codes.skip", check.error());
            assertEquals(1, check.attempts());
            assertNull(check.failureReason());
            assertEquals(TaskOutcome.Status.SKIPPED, task(run, "publish").status());
            assertEquals("skipped: dependency 'check' did not succeed", task(run, "publish").error());
        }
    }

    @Test
    void anExitCodeNotListedOrAStopByTheRunnerIsStillAFailure() {
        ExitCodes skip99 = new ExitCodes(Set.of(99, 137));
        assertTrue(skip99.skips(Map.of("exit_code", 99, "failure_reason", "exit_code")));
        assertTrue(skip99.skips(Map.of("exit_code", 99)), "an app without reasons: the exit code decides");
        assertTrue(skip99.skips(Map.of("exit_code", 137, "failure_reason", "killed")));
        assertFalse(skip99.skips(Map.of("exit_code", 3, "failure_reason", "exit_code")));
        assertFalse(skip99.skips(Map.of("exit_code", 137, "failure_reason", "timeout")), "stopped by the runner");
        assertFalse(skip99.skips(Map.of("exit_code", 137, "failure_reason", "oom_killed")));
        assertFalse(skip99.skips(Map.of("failure_reason", "exit_code")));
        assertFalse(ExitCodes.NONE.skips(Map.of("exit_code", 99)));
    }

    @Test
    void theBackoffGrowsByTheFactorUpToItsMaximum() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(250), 2.0, Duration.ofSeconds(3), Set.of());
        assertEquals(List.of(250L, 500L, 1000L, 2000L, 3000L, 3000L), List.of(2, 3, 4, 5, 6, 10).stream()
                .map(n -> p.backoffBefore(n).toMillis()).toList());
        RetryPolicy d = RetryPolicy.of(3);
        assertEquals(FailureReason.retryableReasons(), d.on());
        assertTrue(d.retries(FailureReason.ENGINE_LOST, 2));
        assertFalse(d.retries(FailureReason.ENGINE_LOST, 3), "three attempts in all");
        assertFalse(d.retries(FailureReason.OOM_KILLED, 1));
        assertFalse(d.retries(null, 1), "a failure without a reason is never retried");
        assertFalse(RetryPolicy.NONE.retries(FailureReason.ENGINE_LOST, 1));
    }

    @Test
    void aTaskWhoseReferencesDoNotResolveIsAnInvalidRequest() {
        try (WorkflowEngine engine = engine(Map.of(), recorded)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", Map.of("n", 1)), "first")
                    .task("b", "apps.platform.testkit.echo", Map.of("value", "{{ first.value.nope }}"), "second")
                    .build());
            assertEquals("invalid_request", run.result("second").get("failure_reason"));
            assertEquals(false, run.result("second").get("retryable"));
            assertEquals("invalid_request", task(run, "b").failureReason());
        }
    }
}
