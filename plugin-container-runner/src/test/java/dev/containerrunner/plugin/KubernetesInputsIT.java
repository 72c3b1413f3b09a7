package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.TestContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code inputs} on the real cluster ({@link InputsContract}): the runner reads S3 and streams each
 * object into the pod's waiting init container through the exec API, so the pod never reaches the store.
 */
class KubernetesInputsIT extends InputsContract {

    @Override
    protected Map<String, Object> configuration(Map<String, Object> base) {
        return KubernetesCluster.configure(base);
    }

    @Override
    protected int runnerObjects(TestContext ctx) {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            return KubernetesCluster.runnerObjects(cluster, ctx);
        }
    }

    @Override
    protected int settledRunnerObjects(TestContext ctx) throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        while (runnerObjects(ctx) != 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        return runnerObjects(ctx);
    }

    /** The pod's fsGroup sets the setgid bit on every directory of its emptyDir volumes. */
    @Override
    protected String inputDirectoryMode() {
        return "2755";
    }

    @Override
    protected void assertNothingLeft() throws InterruptedException {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            long until = System.currentTimeMillis() + 60_000;
            while (KubernetesCluster.runnerObjects(cluster) > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(500);
            }
            assertEquals(List.of(), KubernetesCluster.runnerObjectNames(cluster), "runner objects left in the namespace");
        }
    }

    @Override
    protected void assertNothingCreated(List<String> log) {
        assertFalse(log.stream().anyMatch(l -> l.startsWith("created job")), "no Job was created: " + log);
    }

    /** PodInputs.MAX_OBJECTS: the most objects a run's inputs may bring on Kubernetes (one exec each). */
    private static final int MAX_OBJECTS = 500;

    /**
     * A prefix of 200 small objects arrives whole; prints the streaming time per object (one exec
     * each), the measurement behind {@link #MAX_OBJECTS}.
     */
    @Test
    void twoHundredSmallObjectsOfAPrefixArriveAndTheirStreamingIsTimed() throws Exception {
        for (int i = 0; i < 200; i++) {
            put("shared/many200/" + i + ".txt", (i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        TestContext ctx = new TestContext("many200");
        long t0 = System.nanoTime();
        Map<String, Object> r = call("run_container", ctx, "image", TestImages.BUSYBOX,
                "inputs", List.of(input("s3://" + BUCKET + "/shared/many200/", "/in/many")),
                "command", List.of("sh", "-c", "ls /in/many | wc -l; cat /in/many/*.txt | awk '{s+=$1} END {print s}'"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("200\n19900\n", r.get("stdout"));
        String streamed = ctx.lines.stream().filter(l -> l.contains("streamed 200 input(s)")).findFirst().orElseThrow(
                () -> new AssertionError(String.valueOf(ctx.lines)));
        Matcher m = Pattern.compile("in (\\d+) ms").matcher(streamed);
        assertTrue(m.find(), streamed);
        System.out.println(getClass().getSimpleName() + ": 200 objects of a prefix: run took " + ms + " ms; " + streamed + " = "
                + Long.parseLong(m.group(1)) / 200.0 + " ms per object");
    }

    /**
     * A prefix with more objects than a run may stream on Kubernetes is refused after its listing,
     * before anything is created: budget_exceeded (not retryable), naming inputs[0].s3_url and the limit.
     */
    @Test
    void aPrefixAboveTheKubernetesObjectLimitIsBudgetExceededAndCreatesNothing() throws Exception {
        for (int i = 0; i <= MAX_OBJECTS; i++) {
            put("shared/toomany/" + i, new byte[] {'x'});
        }
        List<String> log = new CopyOnWriteArrayList<>();
        TestContext ctx = new TestContext(CallObjects.uniqueContext("toomany").taskId(), (stream, line) -> log.add(line));
        InputFailedException e = assertThrows(InputFailedException.class, () -> call("run_container", ctx,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/toomany/", "/in/many")),
                "command", List.of("true")));
        assertEquals(Optional.of(FailureReason.BUDGET_EXCEEDED), e.failureReason());
        assertEquals(false, e.resultFields().get("retryable"));
        assertTrue(e.getMessage().startsWith("input s3://inputs/shared/toomany/: inputs[0].s3_url brings " + (MAX_OBJECTS + 1)
                + " object(s); on the Kubernetes backend a run's inputs may bring at most " + MAX_OBJECTS + " objects"), e.getMessage());
        assertEquals(0, runnerObjects(ctx), "nothing created");
        assertNothingCreated(log);
    }
}
