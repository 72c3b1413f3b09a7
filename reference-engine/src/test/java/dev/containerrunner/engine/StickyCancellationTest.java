package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.testkit.TestkitApp;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A cancellation (Ctrl-C) is sticky: once it came, no task starts, whenever it came. */
class StickyCancellationTest {

    private static final String CANCELLED = "skipped: the run was cancelled";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final AtomicReference<WorkflowEngine> self = new AtomicReference<>();

    private WorkflowEngine engine(TaskProgressListener listener) {
        WorkflowEngine engine = WorkflowEngine.builder()
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("testkit", Map.of()),
                        "engine", Map.of("max_parallel_tasks", 4)), "test"))
                .logListener((task, stream, line) -> lines.add(task + " " + line))
                .progressListener(listener)
                .build();
        self.set(engine);
        return engine;
    }

    private static Map<String, TaskOutcome> byId(WorkflowRun run) {
        Map<String, TaskOutcome> m = new java.util.LinkedHashMap<>();
        run.tasks().forEach(t -> m.put(t.taskId(), t));
        return m;
    }

    @Test
    void aCancellationBeforeTheRunBeginsStartsNoTask() {
        try (WorkflowEngine engine = engine(new Recording())) {
            engine.cancelAll(); // Ctrl-C while the plugins load or the workflow is validated
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", 1), "a")
                    .task("b", "apps.platform.testkit.fail", Map.of(), "b")
                    .task("c", "apps.platform.testkit.echo", Map.of("value", 2), null, List.of("a"))
                    .build());
            assertFalse(run.succeeded());
            assertEquals("failed", run.toJson().get("status"));
            for (TaskOutcome t : run.tasks()) {
                assertEquals(TaskOutcome.Status.SKIPPED, t.status(), t.toString());
                assertEquals(CANCELLED, t.error());
                assertEquals(0, t.attempts());
            }
            assertEquals(List.of(), lines, "no action was invoked");
            assertEquals(List.of(), started, "no task was started");
            assertTrue(TestkitApp.ATTEMPTS.stream().noneMatch(x -> x.runId().equals(run.runId())));
            assertEquals(Map.of(), run.toJson().get("results"));
        }
    }

    @Test
    void aCancellationStaysForLaterRunsOfTheEngine() {
        try (WorkflowEngine engine = engine(new Recording())) {
            engine.cancelAll();
            engine.run(new WorkflowBuilder("wf", "1").task("a", "apps.platform.testkit.echo", Map.of("value", 1), "a").build());
            WorkflowRun second = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", 1), "a").build());
            assertEquals(TaskOutcome.Status.SKIPPED, second.tasks().get(0).status());
            assertEquals(List.of(), lines);
        }
    }

    @Test
    void aCancellationBetweenTwoDependentTasksNeverStartsTheSecond() {
        Recording cancelWhenAEnds = new Recording() {
            @Override
            public void finished(TaskOutcome outcome, Map<String, Object> result) {
                super.finished(outcome, result);
                if (outcome.taskId().equals("a")) {
                    self.get().cancelAll();
                }
            }
        };
        try (WorkflowEngine engine = engine(cancelWhenAEnds)) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", 1), "a")
                    .task("b", "apps.platform.testkit.echo", Map.of("value", 2), "b", List.of("a"))
                    .build());
            Map<String, TaskOutcome> t = byId(run);
            assertEquals(TaskOutcome.Status.SUCCEEDED, t.get("a").status());
            assertEquals(TaskOutcome.Status.SKIPPED, t.get("b").status());
            assertEquals(CANCELLED, t.get("b").error());
            assertEquals(0, t.get("b").attempts());
            assertEquals(List.of("a echo 1"), lines, "b's action was never invoked");
            assertEquals(List.of("a"), started);
            assertFalse(run.succeeded());
            assertEquals("failed", run.toJson().get("status"));
        }
    }

    @Test
    void anActionStartedAfterTheCancellationSeesItCancelledFromItsStart() {
        Recording cancelAtStart = new Recording() {
            @Override
            public void started(String taskId) {
                super.started(taskId);
                self.get().cancelAll(); // between the scheduler's hand-over and the action's call
            }
        };
        try (WorkflowEngine engine = engine(cancelAtStart)) {
            long t0 = System.nanoTime();
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("long", "apps.platform.testkit.sleep", Map.of("millis", 30_000), "long")
                    .build());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("cancelled", run.result("long").get("error"), "the action's first isCancelled() was true");
            assertEquals(TaskOutcome.Status.FAILED, run.tasks().get(0).status());
            assertTrue(millis < 10_000, millis + " ms");
            assertFalse(run.succeeded());
        }
    }

    /** Records which tasks started. */
    private class Recording implements TaskProgressListener {
        @Override
        public void started(String taskId) {
            started.add(taskId);
        }

        @Override
        public void finished(TaskOutcome outcome, Map<String, Object> result) {
        }
    }
}
