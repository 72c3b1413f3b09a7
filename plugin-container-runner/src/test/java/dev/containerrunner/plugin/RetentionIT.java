package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.docker.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionFailedException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The janitor: retention windows, and what a crashed process left behind. */
class RetentionIT extends DockerIT {

    @Test
    void aContainerPastItsRetentionIsGone() throws Exception {
        app.close();
        Map<String, Object> config = baseConfig();
        config.put("collect_retention_seconds", 2);
        config.put("janitor_interval_seconds", 1);
        start(config);
        TestContext ctx = new TestContext("retained");
        Map<String, Object> run = call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("true"));
        String id = (String) run.get("container_id");
        assertEquals(false, app.gateway().inspect(id).running(), "kept after the run");
        Map<String, Object> early = call("collect_output", ctx, "container_id", id, "file_paths", List.of("/etc/passwd"));
        assertEquals(true, early.get("success"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && exists(id)) {
            Thread.sleep(250);
        }
        assertTrue(!exists(id), "removed within retention + janitor interval");
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> call("collect_output", ctx,
                "container_id", id, "file_paths", List.of("/etc/passwd")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void leftoversOfACrashedProcessAreReapedAtStartUp() {
        app.close();
        DockerGateway raw = ContainerRunnerApp.dockerGateway(dev.containerrunner.plugin.config.RunnerConfig.defaults());
        Map<String, String> dead = new HashMap<>(Labels.managed());
        dead.put(Labels.OWNER, "999999@" + Labels.ownerId().substring(Labels.ownerId().indexOf('@') + 1));
        dead.put(Labels.OWNER_STARTED, "1");
        dead.put(Labels.ATTEMPT, "crashed-attempt");
        dead.put(Labels.EXPIRES_AT, Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()));
        Map<String, String> expired = new HashMap<>(Labels.managed());
        expired.put(Labels.OWNER, "1@some-other-host");
        expired.put(Labels.EXPIRES_AT, Long.toString(Instant.now().minusSeconds(1).getEpochSecond()));
        String volume = raw.createVolume("container-runner-crashed-test", dead);
        String running = raw.createContainer(new ContainerSpec(TestImages.BUSYBOX, null, List.of("sleep", "600"),
                Map.of(), "65534", 16L << 20, 100_000_000L, 16, "none", false, false,
                List.of(new DockerGateway.VolumeMount(volume, "/data")), dead, null, false));
        raw.start(running);
        String stale = raw.createContainer(new ContainerSpec(TestImages.BUSYBOX, null, List.of("true"),
                Map.of(), "65534", 16L << 20, 100_000_000L, 16, "none", false, false, List.of(), expired, null, false));
        try {
            start(baseConfig()); // the first use of the engine sweeps
            app.gateway();
            assertTrue(!exists(running), "a container whose owner process is gone is removed, even running");
            assertTrue(!exists(stale), "a container past its hard expiry is removed");
            assertEquals(List.of(), raw.findVolumes(Map.of(Labels.ATTEMPT, "crashed-attempt")), "its volume too");
        } finally {
            for (String id : List.of(running, stale)) {
                raw.removeContainer(id);
            }
            raw.removeVolume(volume);
            raw.close();
        }
    }

    static boolean exists(String id) {
        try {
            app.gateway().inspect(id);
            return true;
        } catch (NoSuchContainerException e) {
            return false;
        }
    }
}
