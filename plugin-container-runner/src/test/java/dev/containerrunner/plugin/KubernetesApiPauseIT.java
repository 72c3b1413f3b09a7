package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API server stops answering for a few seconds while a pod runs (SIGSTOP, then SIGCONT to the
 * local cluster's kube-apiserver): the run rides it out — its watch and log stream reconnect — and
 * ends with the container's real result. Pauses the machine's test cluster, so it runs only with
 * {@code CONTAINER_RUNNER_FAULT_TESTS=1} (scripts/test.sh and CI set it).
 */
class KubernetesApiPauseIT {

    private static final Path APISERVER_PID = Path.of(KubernetesCluster.KUBECONFIG).resolveSibling("apiserver.pid");

    @Test
    void aRunSurvivesTheApiServerPausingMidRun() throws Exception {
        assumeTrue("1".equals(System.getenv("CONTAINER_RUNNER_FAULT_TESTS")),
                "pauses the test cluster's API server: set CONTAINER_RUNNER_FAULT_TESTS=1 (scripts/test.sh does)");
        assertTrue(Files.isRegularFile(APISERVER_PID), "no " + APISERVER_PID + ": start the cluster with scripts/ensure-k8s.sh up");
        long pid = Long.parseLong(Files.readString(APISERVER_PID).trim());
        Map<String, Object> config = new HashMap<>(KubernetesCluster.configure(Map.of(
                "allowed_images", List.of("container-runner-test/*:*"), "stop_grace_seconds", 2)));
        ContainerRunnerApp app = new ContainerRunnerApp();
        app.configure(config);
        ActionRegistry actions = ActionRegistry.of(app);
        try {
            TestContext ctx = new TestContext("pause");
            CompletableFuture<Map<String, Object>> run = CompletableFuture.supplyAsync(() -> ActionCalls.call(actions,
                    "run_container", ctx, "image", TestImages.BUSYBOX,
                    "command", List.of("sh", "-c", "echo before; sleep 8; echo after"), "timeout_seconds", 120));
            long until = System.currentTimeMillis() + 60_000;
            while (!ctx.lines.contains("STDOUT before") && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            assertTrue(ctx.lines.contains("STDOUT before"), "the pod started: " + ctx.lines);
            signal("STOP", pid);
            try {
                Thread.sleep(6000);
            } finally {
                signal("CONT", pid);
            }
            Map<String, Object> r = run.get(120, TimeUnit.SECONDS);
            assertEquals(true, r.get("success"), String.valueOf(r));
            assertEquals("before\nafter\n", r.get("stdout"));
        } finally {
            app.close();
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + name + " " + pid);
    }
}
