package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.LogSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WorkflowExecutionTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private WorkflowEngine engine() {
        return WorkflowEngine.builder()
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("testkit", Map.of("k", "v")),
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
}
