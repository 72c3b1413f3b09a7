package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code inputs} on the real Docker engine ({@link InputsContract}): streamed through the archive API. */
class InputsIT extends InputsContract {

    @Override
    protected Map<String, Object> configuration(Map<String, Object> base) {
        Map<String, Object> c = new HashMap<>(base);
        c.putAll(Map.of("max_memory", "2g", "max_cpu", 2.0, "pids_limit", 64));
        return c;
    }

    @Override
    protected int runnerObjects(TestContext ctx) {
        return CallObjects.docker(app.gateway(), ctx);
    }

    @Override
    protected void assertNeverStarted(List<String> log) {
        assertFalse(log.stream().anyMatch(l -> l.startsWith("started container")), "the container never started: " + log);
    }

    @Override
    protected void assertOwnership(String[] lines) {
        assertEquals((5 << 20) + " 65534:65534 644", lines[1]);
        assertTrue(lines[2].endsWith(" 65534:65534 755"), lines[2]);
    }

    @Override
    protected void assertNothingLeft() {
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            assertEquals(List.of(), g.findContainers(Labels.ownedByThisProcess()), "labelled containers left behind");
            assertEquals(List.of(), g.findVolumes(Labels.ownedByThisProcess()), "labelled volumes left behind");
        }
    }
}
