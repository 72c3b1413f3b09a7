package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the real-engine integration tests: a configured app, a way to call its actions as an
 * engine would, and a check that nothing labelled survives the class. There is no skipping: without
 * an engine these tests fail and say how to start one.
 */
abstract class DockerIT {

    static ContainerRunnerApp app;
    static ActionRegistry actions;

    static Map<String, Object> baseConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of(TestImages.PYTHON, "container-runner-test/*:*"));
        c.put("stop_grace_seconds", 3);
        c.put("max_memory", "2g");
        c.put("max_cpu", 2.0);
        c.put("pids_limit", 64);
        c.put("collect_retention_seconds", 0);
        return c;
    }

    static void start(Map<String, Object> config) {
        app = new ContainerRunnerApp();
        app.configure(config);
        actions = ActionRegistry.of(app);
        try {
            app.gateway().findContainers(Labels.managed());
        } catch (RuntimeException e) {
            fail("no Docker engine answers (" + e.getMessage() + "); run scripts/ensure-docker.sh and scripts/ensure-images.sh");
        }
    }

    @BeforeAll
    static void startDefault() {
        start(baseConfig());
    }

    /** Closing the app removes what it kept for collect_output; after that nothing of it may remain. */
    @AfterAll
    static void nothingLeftBehind() {
        app.close();
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            assertEquals(List.of(), g.findContainers(Labels.ownedByThisProcess()), "labelled containers left behind");
            assertEquals(List.of(), g.findVolumes(Labels.ownedByThisProcess()), "labelled volumes left behind");
        }
    }

    static Map<String, Object> call(String action, TestContext ctx, Object... kv) {
        return ActionCalls.call(actions, action, ctx, kv);
    }

    static Map<String, Object> call(String action, TestContext ctx, Map<String, Object> kwargs) {
        return ActionCalls.call(actions, action, ctx, kwargs);
    }

    /** The containers and volumes a call with {@code ctx} could have made (its workflow, run and task labels). */
    static int labelledObjects(TestContext ctx) {
        return CallObjects.docker(app.gateway(), ctx);
    }
}
