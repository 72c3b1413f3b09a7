package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine is killed (SIGKILL) while a container runs, then started again: the running task
 * ends with a clear error (no hang, no false success), and the same app works again without a
 * restart. It kills the machine's dockerd, so it runs only where that is allowed:
 * {@code CONTAINER_RUNNER_FAULT_TESTS=1} (scripts/test.sh and CI set it).
 */
class EngineRestartIT extends DockerIT {

    @Test
    void aRunningTaskFailsClearlyAndTheRunnerRecoversWhenTheEngineIsBack() throws Exception {
        assumeTrue("1".equals(System.getenv("CONTAINER_RUNNER_FAULT_TESTS")),
                "kills the Docker engine: set CONTAINER_RUNNER_FAULT_TESTS=1 (scripts/test.sh does)");
        Path pidFile = Path.of("/var/run/docker.pid");
        assumeTrue(Files.exists(pidFile), "dockerd was not started by scripts/ensure-docker.sh");
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        TestContext ctx = new TestContext("engine-dies");
        CompletableFuture<Object> task = CompletableFuture.supplyAsync(() -> {
            try {
                return call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sleep", "60"));
            } catch (RuntimeException e) {
                return e;
            }
        });
        long deadline = System.currentTimeMillis() + 20_000;
        while (ctx.lines.stream().noneMatch(l -> l.contains("started container")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
        Object outcome = task.get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(outcome instanceof ContainerEngineException, "not a false success: " + outcome);
        String message = ((Exception) outcome).getMessage();
        assertTrue(message.contains("Docker engine"), message);
        assertTrue(seconds < 15, "ended " + seconds + " s after the engine died");
        System.out.printf("engine killed: task ended after %.1f s with: %s%n", seconds, message);

        Process restart = new ProcessBuilder(root.resolve("scripts/ensure-docker.sh").toString()).inheritIO().start();
        assertEquals(0, restart.waitFor(), "the engine came back");
        Map<String, Object> again = call("run_container", new TestContext("engine-back"), "image", TestImages.BUSYBOX,
                "command", List.of("echo", "back"));
        assertEquals("back\n", again.get("stdout"), "the same app works again, without a restart");
        app.reaper().sweep(); // retries the removal that failed while the engine was down
        assertEquals(List.of(), app.gateway().findContainers(Map.of(Labels.TASK, "engine-dies")));
    }
}
