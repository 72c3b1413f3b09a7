package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Faults and load: unreachable engine, bounded concurrency, hostile containers, a killed owner JVM. */
class ReliabilityIT extends DockerIT {

    @Test
    void anUnreachableEngineIsAClearErrorWithinSeconds() {
        ContainerRunnerApp lonely = new ContainerRunnerApp();
        Map<String, Object> config = baseConfig();
        config.put("docker_host", "unix:///tmp/container-runner-no-engine.sock");
        lonely.configure(config);
        long t0 = System.nanoTime();
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> dev.containerrunner.spi.ActionRegistry
                .of(lonely).get("run_container").handler().invoke(Map.of("image", TestImages.BUSYBOX), new TestContext("x")));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("cannot reach the Docker engine at unix:///tmp/container-runner-no-engine.sock"),
                e.getMessage());
        assertTrue(seconds < 5, "took " + seconds + " s");
        lonely.close();
    }

    @Test
    void concurrentContainersAreBoundedAndWaitersSaySo() throws Exception {
        app.close();
        Map<String, Object> config = baseConfig();
        config.put("max_concurrent_containers", 2);
        start(config);
        AtomicInteger maxSeen = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<TestContext> contexts = new ArrayList<>();
        List<Future<Map<String, Object>>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestContext ctx = new TestContext("bounded" + i);
            contexts.add(ctx);
            results.add(pool.submit(() -> call("run_container", ctx, "image", TestImages.BUSYBOX,
                    "command", List.of("sleep", "1"))));
        }
        DockerGateway g = app.gateway();
        while (results.stream().anyMatch(f -> !f.isDone())) {
            int running = (int) g.findContainers(Labels.ownedByThisProcess()).stream().filter(DockerGateway.ContainerInfo::running).count();
            maxSeen.accumulateAndGet(running, Math::max);
            Thread.sleep(50);
        }
        for (Future<Map<String, Object>> f : results) {
            assertEquals(true, f.get().get("success"));
        }
        pool.shutdown();
        assertTrue(maxSeen.get() <= 2, "at most 2 at once, saw " + maxSeen.get());
        assertTrue(contexts.stream().anyMatch(c -> c.lines.stream().anyMatch(l -> l.contains("waiting for a container slot"))));
    }

    @Test
    void hostileContainersEndCorrectlyAndLeaveNoThreadBehind() throws Exception {
        int threadsBefore = Thread.activeCount();
        Map<String, Object> closedEarly = call("run_container", new TestContext("closes"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "echo bye; exec 1>&- 2>&-; sleep 2; exit 0"));
        assertEquals(true, closedEarly.get("success"));
        assertEquals("bye\n", closedEarly.get("stdout"));
        Map<String, Object> neverReads = call("run_with_input", new TestContext("deaf"), "image", TestImages.BUSYBOX,
                "command", List.of("sleep", "2"), "input_data", "z".repeat(32 << 20), "timeout_seconds", 30);
        assertEquals(true, neverReads.get("success"));
        Map<String, Object> exitsAtOnce = call("run_with_input", new TestContext("quick"), "image", TestImages.BUSYBOX,
                "command", List.of("true"), "input_data", "q".repeat(32 << 20));
        assertEquals(true, exitsAtOnce.get("success"));
        Map<String, Object> ignoresTerm = call("run_container", new TestContext("stubborn"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "trap '' TERM; sleep 100"), "timeout_seconds", 1);
        assertEquals(true, ignoresTerm.get("timed_out"));
        long deadline = System.currentTimeMillis() + 5000;
        while (Thread.activeCount() > threadsBefore + 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Thread.activeCount() <= threadsBefore + 2, "threads before " + threadsBefore + ", after " + Thread.activeCount());
    }

    @Test
    void aKilledOwnerJvmsContainersAreReapedAtTheNextStart() throws Exception {
        Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingOwner.class.getName())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String owner = child.pid() + "@" + Labels.ownerId().substring(Labels.ownerId().indexOf('@') + 1);
        DockerGateway g = app.gateway();
        long deadline = System.currentTimeMillis() + 30_000;
        List<DockerGateway.ContainerInfo> theirs = List.of();
        while (System.currentTimeMillis() < deadline) {
            theirs = g.findContainers(Map.of(Labels.OWNER, owner));
            if (theirs.stream().anyMatch(DockerGateway.ContainerInfo::running)) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(theirs.stream().anyMatch(DockerGateway.ContainerInfo::running), "the child started its container");
        assertEquals(1, g.findVolumes(Map.of(Labels.OWNER, owner)).size(), "and its input volume");
        child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook runs
        child.waitFor();
        app.close();
        start(baseConfig());
        app.gateway(); // the first contact sweeps
        assertEquals(List.of(), app.gateway().findContainers(Map.of(Labels.OWNER, owner)));
        assertEquals(List.of(), app.gateway().findVolumes(Map.of(Labels.OWNER, owner)));
    }
}
