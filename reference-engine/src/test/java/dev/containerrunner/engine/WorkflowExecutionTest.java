package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.testkit.TestkitApp;
import dev.containerrunner.spi.LogSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WorkflowExecutionTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private WorkflowEngine engine() {
        return engine(Map.of("k", "v"));
    }

    private WorkflowEngine engine(Map<String, Object> testkitSection) {
        return WorkflowEngine.builder()
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("testkit", testkitSection),
                        "engine", Map.of("max_parallel_tasks", 4)), "test"))
                .logListener((task, stream, line) -> lines.add(task + (stream == LogSink.Stream.STDOUT ? " " : " ! ") + line))
                .build();
    }

    @Test
    void referencesKeepTheirTypeOrInterpolateAsText() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", Map.of("n", 42, "list", List.of("x", "y"))), "first")
                    .task("b", "apps.platform.testkit.echo", Map.of("value", "{{ first.value.n }}", "count", "{{ first.value.n }}"), "second")
                    .task("c", "apps.platform.testkit.echo", Map.of("value", "n={{first.value.n}} l={{ first.value.list }} "
                            + "z={{ first.nothing }} by-id={{ a.value.list.1 }}"), "third")
                    .build());
            assertTrue(run.succeeded(), run.toString());
            assertEquals(42, run.result("second").get("value"));
            assertEquals(42, run.result("second").get("count"));
            assertEquals("n=42 l=[\"x\",\"y\"] z=null by-id=y", run.result("third").get("value"));
            assertEquals(Map.of("k", "v"), run.result("first").get("config"), "the app's section reaches the context");
            assertTrue(lines.contains("b echo 42"), lines.toString());
        }
    }

    @Test
    void failureIsRecordedAndDependentsAreSkipped() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("bad", "apps.platform.testkit.fail", Map.of(), "bad_result")
                    .task("after", "apps.platform.testkit.echo", Map.of("value", "{{ bad_result.error }}"), "after")
                    .task("later", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("after"))
                    .task("boom", "apps.platform.testkit.boom", Map.of(), "boom")
                    .task("fine", "apps.platform.testkit.echo", Map.of("value", 1), "fine")
                    .build());
            assertFalse(run.succeeded());
            Map<String, TaskOutcome> byId = new java.util.HashMap<>();
            run.tasks().forEach(t -> byId.put(t.taskId(), t));
            assertEquals(TaskOutcome.Status.FAILED, byId.get("bad").status());
            assertEquals("it failed on purpose", byId.get("bad").error());
            assertEquals(Map.of("success", false, "error", "it failed on purpose"), run.result("bad_result"));
            assertEquals(TaskOutcome.Status.SKIPPED, byId.get("after").status());
            assertTrue(byId.get("after").error().contains("'bad'"));
            assertEquals(TaskOutcome.Status.SKIPPED, byId.get("later").status());
            assertEquals(TaskOutcome.Status.FAILED, byId.get("boom").status());
            assertEquals("boom: exploded", run.result("boom").get("error"));
            assertEquals(TaskOutcome.Status.SUCCEEDED, byId.get("fine").status());
            assertNull(run.result("after"));
            Map<String, Object> json = run.toJson();
            assertEquals("failed", json.get("status"));
        }
    }

    @Test
    void aFailureSkipsEverythingBehindItOnce() {
        int n = 5_000;
        WorkflowBuilder wf = new WorkflowBuilder("wf", "1").task("t0", "apps.platform.testkit.fail", Map.of(), null);
        for (int i = 1; i < n; i++) {
            wf.task("t" + i, "apps.platform.testkit.echo", Map.of("value", i), null, List.of("t" + (i - 1)));
        }
        wf.task("free", "apps.platform.testkit.echo", Map.of("value", 1), "free");
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(wf.build());
            Map<String, TaskOutcome> byId = new java.util.HashMap<>();
            run.tasks().forEach(t -> byId.put(t.taskId(), t));
            assertEquals(n + 1, byId.size());
            assertEquals(TaskOutcome.Status.FAILED, byId.get("t0").status());
            for (int i = 1; i < n; i++) {
                TaskOutcome o = byId.get("t" + i);
                assertEquals(TaskOutcome.Status.SKIPPED, o.status(), o.toString());
                assertEquals("skipped: dependency 't" + (i - 1) + "' did not succeed", o.error());
            }
            assertEquals(TaskOutcome.Status.SUCCEEDED, byId.get("free").status());
        }
    }

    @Test
    void aDiamondRunsItsJoinOnceAfterBothBranches() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("top", "apps.platform.testkit.sleep", Map.of("millis", 50), "top")
                    .task("left", "apps.platform.testkit.sleep", Map.of("millis", 200), "left").dependsOn("top")
                    .task("right", "apps.platform.testkit.sleep", Map.of("millis", 10), "right").dependsOn("top")
                    .task("join", "apps.platform.testkit.sleep", Map.of("millis", 10), "join").dependsOn("left", "right")
                    .build());
            assertTrue(run.succeeded(), run.toString());
            long join = ((Number) run.result("join").get("end")).longValue();
            assertTrue(join > ((Number) run.result("left").get("end")).longValue());
            assertTrue(join > ((Number) run.result("right").get("end")).longValue());
        }
    }

    @Test
    void anExceptionsResultFieldsAreAddedToTheFailedResultWithoutReplacingSuccessOrError() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("refused", "apps.platform.testkit.boom", Map.of("failure_reason", "image_auth_failed"), "refused")
                    .build());
            assertFalse(run.succeeded());
            assertEquals(List.of("success", "error", "failure_reason"), List.copyOf(run.result("refused").keySet()));
            assertEquals(false, run.result("refused").get("success"));
            assertEquals("boom: refused: image_auth_failed", run.result("refused").get("error"));
            assertEquals("image_auth_failed", run.result("refused").get("failure_reason"));
        }
    }

    @Test
    void independentTasksRunInParallel() {
        try (WorkflowEngine engine = engine()) {
            long t0 = System.nanoTime();
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("s1", "apps.platform.testkit.sleep", Map.of("millis", 700), "s1")
                    .task("s2", "apps.platform.testkit.sleep", Map.of("millis", 700), "s2")
                    .task("s3", "apps.platform.testkit.sleep", Map.of("millis", 700), "s3")
                    .build());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(run.succeeded());
            assertTrue(seconds < 1.9, "three 0.7 s tasks took " + seconds + " s");
            assertNotEquals(run.result("s1").get("thread"), run.result("s2").get("thread"));
        }
    }

    @Test
    void dependentsStartAfterTheirPrerequisitesEnd() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("second", "apps.platform.testkit.sleep", Map.of("millis", 10), "second").dependsOn("first")
                    .task("first", "apps.platform.testkit.sleep", Map.of("millis", 300), "first")
                    .build());
            long firstEnd = ((Number) run.result("first").get("end")).longValue();
            long secondEnd = ((Number) run.result("second").get("end")).longValue();
            assertTrue(secondEnd > firstEnd);
        }
    }

    @Test
    void cancelAllStopsRunningTasksAndSkipsTheRest() throws Exception {
        try (WorkflowEngine engine = engine()) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                engine.cancelAll();
            });
            canceller.start();
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("long", "apps.platform.testkit.sleep", Map.of("millis", 30000), "long")
                    .task("next", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("long"))
                    .build());
            canceller.join();
            assertEquals(TaskOutcome.Status.FAILED, run.tasks().get(0).status());
            assertEquals(TaskOutcome.Status.SKIPPED, run.tasks().get(1).status());
        }
    }

    private static List<TestkitApp.NotStarted> notStarted(WorkflowRun run) {
        return TestkitApp.NOT_STARTED.stream().filter(n -> n.runId().equals(run.runId())).toList();
    }

    @Test
    void aTaskWhoseReferenceFailsIsReportedToItsAppAsNotStarted() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", Map.of("n", 42)), "first")
                    .task("missing", "apps.platform.testkit.echo", Map.of("value", "{{ first.value.nope }}"), "missing")
                    .task("mistyped", "apps.platform.testkit.echo", Map.of("value", 1, "count", "{{ first.value }}"), "mistyped")
                    .task("after", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("missing"))
                    .task("bad", "apps.platform.testkit.fail", Map.of(), null)
                    .build());
            Map<String, TaskOutcome> byId = new java.util.HashMap<>();
            run.tasks().forEach(t -> byId.put(t.taskId(), t));
            assertEquals(TaskOutcome.Status.FAILED, byId.get("missing").status());
            assertEquals(TaskOutcome.Status.FAILED, byId.get("mistyped").status());
            assertEquals(TaskOutcome.Status.SKIPPED, byId.get("after").status());

            Map<String, TestkitApp.NotStarted> heard = new java.util.HashMap<>();
            notStarted(run).forEach(n -> heard.put(n.taskId(), n));
            assertEquals(java.util.Set.of("missing", "mistyped"), heard.keySet(),
                    "only tasks whose action was never invoked; not skipped ones, not ones whose action failed");
            TestkitApp.NotStarted missing = heard.get("missing");
            assertEquals("wf", missing.workflow());
            assertEquals("echo", missing.action());
            assertEquals(byId.get("missing").error(), missing.reason(), "the app hears the task's own error");
            assertTrue(missing.reason().contains("{{ first.value.nope }} does not resolve"), missing.reason());
            assertTrue(heard.get("mistyped").reason().contains("parameter 'count' must be an integer"), heard.get("mistyped").reason());
            assertEquals(TestkitApp.class.getClassLoader(), missing.contextLoader(), "the app's loader is the context loader");
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("missing ") || l.startsWith("mistyped ")), "the action never ran");
        }
    }

    @Test
    void anAppThatCannotRecordANotStartedTaskAddsThatToTheTaskError() {
        try (WorkflowEngine engine = engine(Map.of("fail_not_started", true))) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", 1), "first")
                    .task("b", "apps.platform.testkit.echo", Map.of("value", "{{ first.nothing.deeper }}"), "second")
                    .build());
            TaskOutcome b = run.tasks().get(1);
            assertEquals(TaskOutcome.Status.FAILED, b.status());
            assertTrue(b.error().contains("does not resolve") && b.error().endsWith("; the app could not record it: the testkit trail is full"),
                    b.error());
            assertEquals(b.error(), run.result("second").get("error"));
            assertEquals(1, notStarted(run).size());
        }
    }
}
