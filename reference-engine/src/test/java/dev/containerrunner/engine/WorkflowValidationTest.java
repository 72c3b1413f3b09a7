package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkflowValidationTest {

    static WorkflowEngine engine;

    @BeforeAll
    static void start() {
        engine = WorkflowEngine.builder().build();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static String invalid(WorkflowBuilder b) {
        return assertThrows(WorkflowDefinitionException.class, () -> engine.validate(b.build())).getMessage();
    }

    private static WorkflowBuilder wf() {
        return new WorkflowBuilder("wf", "1");
    }

    @Test
    void validWorkflowPlansInDependencyOrder() {
        Plan plan = engine.validate(wf()
                .task("b", "apps.platform.testkit.echo", Map.of("value", "{{ a_out.value }}"), "b_out")
                .task("a", "apps.platform.testkit.echo", Map.of("value", 1), "a_out")
                .task("c", "apps.platform.testkit.echo", Map.of("value", 2), null, List.of("b"))
                .build());
        assertEquals(List.of("a", "b", "c"), plan.tasks().stream().map(t -> t.spec().taskId()).toList());
    }

    @Test
    void unknownFunctionsAreNamed() {
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.nope", Map.of(), null)).contains("no action 'nope'"));
        assertTrue(invalid(wf().task("t", "apps.platform.other.echo", Map.of(), null)).contains("no app 'platform.other'"));
        assertTrue(invalid(wf().task("t", "platform.testkit.echo", Map.of(), null)).contains("apps.<publisher>.<app>.<action>"));
    }

    @Test
    void kwargsAreCheckedBeforeAnythingRuns() {
        String unknown = invalid(wf().task("t", "apps.platform.testkit.echo", Map.of("value", 1, "valeu", 2), null));
        assertTrue(unknown.contains("task 't'") && unknown.contains("'valeu'"), unknown);
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.echo", Map.of(), null)).contains("'value' is required"));
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.echo", Map.of("value", 1, "count", "x"), null))
                .contains("'count' must be an integer, got string"));
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.sleep", Map.of("millis", -1), null)).contains("must not be negative"));
    }

    @Test
    void anAppValidatorThatFailsUntypedStillRefusesTheWorkflow() {
        String msg = invalid(wf().task("t", "apps.platform.testkit.sleep", Map.of("millis", 666_666), null));
        assertTrue(msg.contains("task 't' (apps.platform.testkit.sleep): the app's validation failed:"
                + " java.lang.IllegalStateException: validator exploded"), msg);
    }

    @Test
    void wholeReferencesDeferTypeChecks() {
        engine.validate(wf().task("a", "apps.platform.testkit.echo", Map.of("value", 3), "a")
                .task("b", "apps.platform.testkit.echo", Map.of("value", 1, "count", "{{ a.value }}"), "b").build());
    }

    @Test
    void duplicatesAreNamed() {
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.fail", Map.of(), null)
                .task("t", "apps.platform.testkit.fail", Map.of(), null)).contains("task_id 't' is used by two tasks"));
        assertTrue(invalid(wf().task("a", "apps.platform.testkit.fail", Map.of(), "r")
                .task("b", "apps.platform.testkit.fail", Map.of(), "r")).contains("result_key 'r' is used by tasks 'a' and 'b'"));
        assertTrue(invalid(wf().task("a", "apps.platform.testkit.fail", Map.of(), "b")
                .task("b", "apps.platform.testkit.fail", Map.of(), null)).contains("ambiguous"));
    }

    @Test
    void missingReferencesAndDependenciesAreNamed() {
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.echo", Map.of("value", "{{ nowhere.x }}"), null))
                .contains("{{ nowhere.x }}"));
        assertTrue(invalid(wf().task("t", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("ghost")))
                .contains("unknown task 'ghost'"));
    }

    @Test
    void cyclesAreNamed() {
        String msg = invalid(wf()
                .task("a", "apps.platform.testkit.echo", Map.of("value", "{{ b.value }}"), null)
                .task("b", "apps.platform.testkit.echo", Map.of("value", "x {{ a.value }}"), null)
                .task("c", "apps.platform.testkit.echo", Map.of("value", 1), null));
        assertTrue(msg.contains("[a, b] form a dependency cycle"), msg);
        assertTrue(invalid(wf().task("a", "apps.platform.testkit.echo", Map.of("value", "{{ a.value }}"), null))
                .contains("depends on itself"));
    }

    @Test
    void aCycleIsNamedByItsMembersOnly() {
        String msg = invalid(wf()
                .task("d", "apps.platform.testkit.echo", Map.of("value", "{{ a.value }}"), null) // waits for the cycle
                .task("a", "apps.platform.testkit.echo", Map.of("value", "{{ b.value }}"), null)
                .task("b", "apps.platform.testkit.echo", Map.of("value", 1), null, List.of("c"))
                .task("c", "apps.platform.testkit.echo", Map.of("value", "{{ a.value }}"), null)
                .task("e", "apps.platform.testkit.echo", Map.of("value", 1), null));
        assertTrue(msg.contains("tasks [a, b, c] form a dependency cycle"), msg);
    }

    @Test
    void largeWorkflowsPlanInDependencyAndWrittenOrder() {
        int n = 20_000;
        WorkflowBuilder chain = wf(); // written last-first: each task references the next one written
        for (int i = n - 1; i >= 0; i--) {
            chain.task("t" + i, "apps.platform.testkit.echo", Map.of("value", i == 0 ? 0 : "{{ t" + (i - 1) + ".value }}"), null);
        }
        List<String> order = engine.validate(chain.build()).tasks().stream().map(t -> t.spec().taskId()).toList();
        assertEquals("t0", order.get(0));
        assertEquals("t" + (n - 1), order.get(n - 1));
        WorkflowBuilder fan = wf().task("root", "apps.platform.testkit.echo", Map.of("value", 0), null);
        for (int i = 0; i < n; i++) {
            fan.task("leaf" + i, "apps.platform.testkit.echo", Map.of("value", i), null, List.of("root"));
        }
        fan.task("sink", "apps.platform.testkit.echo", Map.of("value", 0), null,
                java.util.stream.IntStream.range(0, n).mapToObj(i -> "leaf" + i).toList());
        Plan plan = engine.validate(fan.build());
        assertEquals("leaf0", plan.tasks().get(1).spec().taskId(), "ready tasks keep their written order");
        assertEquals("leaf" + (n - 1), plan.tasks().get(n).spec().taskId());
        assertEquals(n, plan.tasks().get(n + 1).dependencies().size());
    }

    @Test
    void workflowFilesRejectUnknownFields() {
        String msg = assertThrows(WorkflowDefinitionException.class, () -> WorkflowFiles.fromMap(Map.of("name", "x",
                "tasks", List.of(Map.of("task_id", "t", "function", "f", "kwarg", Map.of()))), "w.yaml")).getMessage();
        assertTrue(msg.contains("unknown field 'kwarg'"), msg);
        msg = assertThrows(WorkflowDefinitionException.class, () -> WorkflowFiles.fromMap(Map.of("name", "x"), "w.yaml")).getMessage();
        assertTrue(msg.contains("'tasks' must be a list"), msg);
    }

    @Test
    void configurationForAnUninstalledAppIsRefused() {
        EngineConfig config = EngineConfig.fromMap(Map.of("apps", Map.of("nonexistent", Map.of())), "c.yaml");
        String msg = assertThrows(RuntimeException.class, () -> WorkflowEngine.builder().config(config).build()).getMessage();
        assertTrue(msg.contains("nonexistent"), msg);
        assertThrows(WorkflowDefinitionException.class, () -> EngineConfig.fromMap(Map.of("appz", Map.of()), "c.yaml"));
    }
}
