package dev.containerrunner.plugin;

import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import java.util.List;
import java.util.Map;

/** A child JVM for {@link ReliabilityIT}: starts a long container (with a volume), then waits to be killed. */
public final class CrashingOwner {

    private CrashingOwner() {
    }

    public static void main(String[] args) {
        ContainerRunnerApp app = new ContainerRunnerApp();
        app.configure(DockerIT.baseConfig());
        ActionRegistry.of(app).get("run_with_input").handler().invoke(Map.of("image", TestImages.BUSYBOX,
                "command", List.of("sleep", "600"), "timeout_seconds", 900,
                "input_file", Map.of("path", "/in/data.txt", "content", "x")), new TestContext("crash"));
    }
}
