package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.TaskOutcome;
import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI's Ctrl-C record: an interrupt before the engine exists still cancels it. */
class InterruptTest {

    private static WorkflowEngine engine() {
        return WorkflowEngine.builder()
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("testkit", Map.of())), "test"))
                .build();
    }

    private static WorkflowRun runOne(WorkflowEngine engine) {
        return engine.run(new WorkflowBuilder("wf", "1").task("a", "apps.platform.testkit.echo", Map.of("value", 1), "a").build());
    }

    @Test
    void anInterruptWhileThePluginsLoadCancelsTheEngineOnceItExists() {
        Interrupt interrupt = new Interrupt();
        interrupt.interrupt(); // no engine yet: the plugins are loading
        try (WorkflowEngine engine = engine()) {
            interrupt.engine(engine);
            WorkflowRun run = runOne(engine);
            assertEquals(TaskOutcome.Status.SKIPPED, run.tasks().get(0).status());
            assertEquals("failed", run.toJson().get("status"));
        }
    }

    @Test
    void anInterruptAfterTheEngineExistsCancelsIt() {
        Interrupt interrupt = new Interrupt();
        try (WorkflowEngine engine = engine()) {
            interrupt.engine(engine);
            interrupt.interrupt();
            interrupt.interrupt(); // idempotent
            assertEquals(TaskOutcome.Status.SKIPPED, runOne(engine).tasks().get(0).status());
        }
    }

    @Test
    void noInterruptNoCancellation() {
        Interrupt interrupt = new Interrupt();
        try (WorkflowEngine engine = engine()) {
            interrupt.engine(engine);
            assertEquals(TaskOutcome.Status.SUCCEEDED, runOne(engine).tasks().get(0).status());
        }
    }
}
