package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The engine tells a progress listener of every task's start and end, with the stored result. */
class TaskProgressListenerTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, Object>> results = new ConcurrentHashMap<>();

    private WorkflowEngine engine() {
        return WorkflowEngine.builder()
                .progressListener(new TaskProgressListener() {
                    @Override
                    public void started(String taskId) {
                        events.add("started " + taskId);
                    }

                    @Override
                    public void finished(TaskOutcome outcome, Map<String, Object> result) {
                        events.add(outcome.status().jsonName() + " " + outcome.taskId());
                        if (result != null) {
                            results.put(outcome.taskId(), result);
                        }
                    }
                }).build();
    }

    @Test
    void everyTaskStartsBeforeItEndsAndSkippedTasksEndWithoutAResult() {
        try (WorkflowEngine engine = engine()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("wf", "1")
                    .task("a", "apps.platform.testkit.echo", Map.of("value", 1), "ra")
                    .task("b", "apps.platform.testkit.echo", Map.of("value", "{{ ra.value }}"), null)
                    .task("bad", "apps.platform.testkit.boom", Map.of(), null)
                    .task("after", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("bad"))
                    .task("later", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("after"))
                    .build());
            assertEquals(5, run.tasks().size());
        }
        assertEquals(8, events.size(), events.toString());
        for (String id : List.of("a", "b", "bad")) {
            assertTrue(events.indexOf("started " + id) >= 0 && events.indexOf("started " + id) < indexOfEnd(id), events.toString());
        }
        assertTrue(events.indexOf("started a") < events.indexOf("started b"), "b waits for a: " + events);
        assertTrue(events.containsAll(List.of("succeeded a", "succeeded b", "failed bad", "skipped after", "skipped later")),
                events.toString());
        assertTrue(events.indexOf("skipped after") < events.indexOf("skipped later"), events.toString());
        assertEquals(1L, ((Number) results.get("a").get("value")).longValue());
        assertEquals(false, results.get("bad").get("success"), "the stored result of a failed task, too");
        assertNull(results.get("after"));
        assertThrows(UnsupportedOperationException.class, () -> results.get("a").put("x", 1), "read-only");
    }

    @Test
    void cancelledTasksEndAsWell() throws Exception {
        try (WorkflowEngine engine = engine()) {
            Thread canceller = new Thread(() -> {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!events.contains("started long") && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                engine.cancelAll();
            });
            canceller.start();
            engine.run(new WorkflowBuilder("wf", "1")
                    .task("long", "apps.platform.testkit.sleep", Map.of("millis", 30000), null)
                    .task("next", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("long"))
                    .build());
            canceller.join();
        }
        assertEquals(List.of("started long", "failed long", "skipped next"), events);
    }

    private int indexOfEnd(String id) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).endsWith(" " + id) && !events.get(i).startsWith("started")) {
                return i;
            }
        }
        return -1;
    }
}
