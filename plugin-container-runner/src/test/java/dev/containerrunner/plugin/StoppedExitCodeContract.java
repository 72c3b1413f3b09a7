package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A run the runner stopped (timeout, cancellation) reports the exit code its container got, on
 * every backend (mixed into {@link BackendContract}, whose {@code stop_grace_seconds} is 2): 143
 * when it exited on SIGTERM, 137 when SIGKILL ended it after the grace period. On Kubernetes the
 * kubelet writes that state and deletes the pod object at once; a timed-out run once reported
 * {@code exit_code: null} in 4 runs, so the SIGTERM case runs several times.
 */
public interface StoppedExitCodeContract {

    /** A container that exits 143 as soon as SIGTERM reaches it (the shell runs the trap after its 0.2 s sleep). */
    List<String> EXITS_ON_SIGTERM = List.of("sh", "-c", "trap 'exit 143' TERM; echo started; while :; do sleep 0.2; done");

    /** How many timed-out runs the SIGTERM case makes. */
    int RUNS = 4;

    /** Calls {@code action} as an engine would. */
    Map<String, Object> run(String action, TestContext ctx, Object... kv);

    /** A second app: the backend's configuration with {@code extra} on top; the caller closes it. */
    ContainerRunnerApp appWith(Map<String, Object> extra);

    private static long exitCode(Map<String, Object> r) {
        assertNotNull(r.get("exit_code"), "a stopped run reports the exit code its container got: " + r);
        return ((Number) r.get("exit_code")).longValue();
    }

    @Test
    default void aTimedOutRunReportsTheExitCodeSigtermGaveItEveryTime() {
        for (int i = 1; i <= RUNS; i++) {
            Map<String, Object> r = run("run_container", new TestContext("stopped-exit-" + i), "image", TestImages.BUSYBOX,
                    "command", EXITS_ON_SIGTERM, "timeout_seconds", 2);
            assertEquals(true, r.get("timed_out"), String.valueOf(r));
            assertEquals("timeout", r.get("failure_reason"), String.valueOf(r));
            assertEquals(143L, exitCode(r), "run " + i + ": " + r);
        }
    }

    @Test
    default void aTimedOutRunThatIgnoresSigtermReportsTheSigkillsExitCode() {
        Map<String, Object> r = run("run_container", new TestContext("stopped-exit-kill"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "trap '' TERM; while :; do sleep 0.2; done"), "timeout_seconds", 2);
        assertEquals("timeout", r.get("failure_reason"), String.valueOf(r));
        assertEquals(137L, exitCode(r), String.valueOf(r));
    }

    @Test
    default void aCancelledRunReportsTheExitCodeSigtermGaveIt() throws Exception {
        TestContext ctx = new TestContext("stopped-exit-cancel");
        CompletableFuture<Map<String, Object>> running = CompletableFuture.supplyAsync(() -> run("run_container", ctx,
                "image", TestImages.BUSYBOX, "command", EXITS_ON_SIGTERM, "timeout_seconds", 120));
        long until = System.currentTimeMillis() + 60_000;
        while (!ctx.lines.contains("STDOUT started") && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        assertTrue(ctx.lines.contains("STDOUT started"), String.valueOf(ctx.lines));
        ctx.cancellation.cancel();
        Map<String, Object> r = running.get(60, TimeUnit.SECONDS);
        assertEquals("cancelled", r.get("failure_reason"), String.valueOf(r));
        assertEquals(143L, exitCode(r), String.valueOf(r));
    }

    /**
     * stop_grace_seconds 0: Docker kills at once; Kubernetes deletes the pod with a grace period of
     * 1 s (0 would remove the object before the kubelet reported the exit; the kubelet gives at least
     * 2 s anyway), so the container gets SIGTERM or SIGKILL, whichever comes first: 143 or 137, never none.
     */
    @Test
    default void aTimedOutRunWithNoStopGraceStillReportsAnExitCode() {
        try (ContainerRunnerApp own = appWith(Map.of("stop_grace_seconds", 0))) {
            Map<String, Object> r = ActionCalls.call(ActionRegistry.of(own), "run_container", new TestContext("stopped-exit-nograce"),
                    "image", TestImages.BUSYBOX, "command", EXITS_ON_SIGTERM, "timeout_seconds", 2);
            assertEquals("timeout", r.get("failure_reason"), String.valueOf(r));
            assertTrue(Set.of(143L, 137L).contains(exitCode(r)), String.valueOf(r));
        }
    }
}
