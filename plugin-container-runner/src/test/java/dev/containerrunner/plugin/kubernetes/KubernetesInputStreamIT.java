package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.ActionCalls;
import dev.containerrunner.plugin.ContainerRunnerApp;
import dev.containerrunner.plugin.KubernetesCluster;
import dev.containerrunner.plugin.TestImages;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.AttemptTracker;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * input_file above the Secret's size streamed into the pod through the helper's exec on the real
 * cluster: byte-exact at 5 and 50 MiB and above the old 1,000,000-byte ceiling, a small one still
 * through the Secret, and a stream that is cut, fails or does not match fails the run with
 * {@code engine_error} before the main container runs, leaving nothing behind — unless the source
 * fails with its own reason (as an S3 object of {@code inputs} does), which is kept; a trickling
 * source is stopped by cancellation between its reads.
 */
class KubernetesInputStreamIT {

    private static KubernetesClient cluster;
    private static ContainerRunnerApp app;
    private static ActionRegistry actions;
    private static RunnerConfig config;
    private static PodCache pods;

    @BeforeAll
    static void start() {
        cluster = KubernetesCluster.client();
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of(TestImages.PYTHON, "container-runner-test/*:*"));
        c.put("stop_grace_seconds", 2);
        Map<String, Object> configured = KubernetesCluster.configure(c);
        app = new ContainerRunnerApp();
        app.configure(configured);
        actions = ActionRegistry.of(app);
        config = RunnerConfig.from(configured);
        pods = PodCache.start(cluster, KubernetesCluster.NAMESPACE);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        app.close();
        pods.close();
        assertEquals(0, settledRunnerObjects(), "runner objects left in the namespace");
        cluster.close();
    }

    private static int settledRunnerObjects() throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        while (KubernetesCluster.runnerObjects(cluster) > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        return KubernetesCluster.runnerObjects(cluster);
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Runs {@code content} as a base64 input_file at /in/data.bin; the container prints its sha256, size, mode and owner. */
    private static Map<String, Object> runWith(byte[] content, TestContext ctx) {
        return ActionCalls.call(actions, "run_with_input", ctx, "image", TestImages.BUSYBOX, "command", List.of("sh", "-c",
                        "sha256sum /in/data.bin; wc -c < /in/data.bin; stat -c '%a %u' /in/data.bin; ls -A /in"),
                "input_file", Map.of("path", "/in/data.bin", "content", Base64.getEncoder().encodeToString(content),
                        "encoding", "base64"));
    }

    private static void arrivesExactly(int size, boolean streamed) throws Exception {
        byte[] content = random(size);
        TestContext ctx = new TestContext("stream-" + size);
        long t0 = System.nanoTime();
        Map<String, Object> r = runWith(content, ctx);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("input_file of " + size + " bytes (" + (streamed ? "streamed" : "Secret") + "): run took " + ms + " ms; "
                + ctx.lines.stream().filter(l -> l.contains("streamed ")).findFirst().orElse("no stream line"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals(sha256(content) + "  /in/data.bin\n" + size + "\n644 65534\ndata.bin\n", r.get("stdout"));
        assertEquals(streamed, ctx.lines.stream().anyMatch(l -> l.contains("(size and SHA-256 verified)")), ctx.lines.toString());
    }

    @Test
    void fiveMebibytesArriveByteExact() throws Exception {
        arrivesExactly(5 << 20, true);
    }

    @Test
    void fiftyMebibytesArriveByteExact() throws Exception {
        arrivesExactly(50 << 20, true);
    }

    @Test
    void aboveTheOldSecretCeilingWorks() throws Exception {
        arrivesExactly(1_000_001, true);
    }

    @Test
    void justAboveTheSecretThresholdIsStreamed() throws Exception {
        arrivesExactly(InputStreams.SECRET_MAX_BYTES + 1, true);
    }

    @Test
    void aSmallOneStillGoesThroughTheSecret() throws Exception {
        arrivesExactly(InputStreams.SECRET_MAX_BYTES, false);
        arrivesExactly(10, false);
    }

    /** A run whose extra streamed input (next to a small input_file) is {@code bad}: it fails, nothing ran, nothing is left. */
    private static ContainerEngineException failsWith(StreamedInput bad) throws InterruptedException {
        RunRequest request = RunRequest.from("run_with_input", Map.of("image", TestImages.BUSYBOX, "command",
                List.of("sh", "-c", "echo main-ran"), "input_file", Map.of("path", "/in/small.txt", "content", "hi")),
                config.requestDefaults());
        TestContext ctx = new TestContext("stream-fails");
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> new PodRun(cluster,
                KubernetesCluster.NAMESPACE, config, AttemptTracker.NONE, pods).run(request, RunSecrets.none(), ctx, List.of(bad)));
        assertEquals(Optional.of(FailureReason.ENGINE_ERROR), e.failureReason());
        assertFalse(ctx.lines.stream().anyMatch(l -> l.contains("main-ran")), "the main container never ran: " + ctx.lines);
        assertEquals(0, settledRunnerObjects(), "the Job, its pod, Secret and NetworkPolicy are deleted");
        return e;
    }

    @Test
    void aShaMismatchFailsTheRunAndLeavesNothing() throws Exception {
        byte[] b = random(300_000);
        ContainerEngineException e = failsWith(new StreamedInput(new ContainerPath("/in/extra.bin"), b.length,
                Optional.of("0".repeat(64)), () -> new ByteArrayInputStream(b)));
        assertTrue(e.getMessage().contains("its SHA-256 is " + sha256(b) + ", expected " + "0".repeat(64)), e.getMessage());
    }

    @Test
    void aSourceThatEndsShortFailsTheRun() throws Exception {
        ContainerEngineException e = failsWith(new StreamedInput(new ContainerPath("/in/extra.bin"), 1 << 20, Optional.empty(),
                () -> new ByteArrayInputStream(random(700_000))));
        assertTrue(e.getMessage().contains("/in/extra.bin (1048576 bytes) failed: the source ended after 700000 bytes"),
                e.getMessage());
    }

    @Test
    void aSourceThatBreaksMidwayFailsTheRun() throws Exception {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset by the store");
            }
        };
        ContainerEngineException e = failsWith(new StreamedInput(new ContainerPath("/in/extra.bin"), 2 << 20, Optional.empty(),
                () -> new SequenceInputStream(new ByteArrayInputStream(random(600_000)), broken)));
        assertTrue(e.getMessage().contains("reading the source: java.io.IOException: connection reset by the store"),
                e.getMessage());
    }

    @Test
    void aSourceWithMoreBytesThanItsSizeFailsTheRun() throws Exception {
        ContainerEngineException e = failsWith(new StreamedInput(new ContainerPath("/in/extra.bin"), 100_000, Optional.empty(),
                () -> new ByteArrayInputStream(random(100_001))));
        assertTrue(e.getMessage().contains("the source has more bytes than its size"), e.getMessage());
    }

    /** A request whose main container would print main-ran, with a small input_file next to the streamed one. */
    private static RunRequest smallRequest() {
        return RunRequest.from("run_with_input", Map.of("image", TestImages.BUSYBOX, "command",
                List.of("sh", "-c", "echo main-ran"), "input_file", Map.of("path", "/in/small.txt", "content", "hi")),
                config.requestDefaults());
    }

    /** A source that fails with its own reason (as an S3 object of inputs does) keeps it: not engine_error. */
    @Test
    void aSourceFailingWithItsOwnReasonKeepsIt() throws Exception {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new InputFailedException("s3://b/k", "reading failed after 600000 of 2097152 bytes: reset", null,
                        FailureReason.INPUT_FAILED);
            }
        };
        TestContext ctx = new TestContext("stream-source-reason");
        InputFailedException e = assertThrows(InputFailedException.class, () -> new PodRun(cluster, KubernetesCluster.NAMESPACE,
                config, AttemptTracker.NONE, pods).run(smallRequest(), RunSecrets.none(), ctx, List.of(new StreamedInput(
                new ContainerPath("/in/extra.bin"), 2 << 20, Optional.empty(),
                () -> new SequenceInputStream(new ByteArrayInputStream(random(600_000)), failing)))));
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), e.failureReason());
        assertEquals("input s3://b/k: reading failed after 600000 of 2097152 bytes: reset", e.getMessage());
        assertFalse(ctx.lines.stream().anyMatch(l -> l.contains("main-ran")), "the main container never ran: " + ctx.lines);
        assertEquals(0, settledRunnerObjects(), "the Job, its pod, Secret and NetworkPolicy are deleted");
    }

    /** A source that trickles (a frame would take minutes) is stopped by cancellation between its reads. */
    @Test
    void cancellationStopsASlowSourceBetweenItsReads() throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                LockSupport.parkNanos(50_000_000L);
                b[off] = 'x';
                return 1;
            }
        };
        TestContext ctx = new TestContext("stream-slow");
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> new PodRun(cluster, KubernetesCluster.NAMESPACE,
                config, AttemptTracker.NONE, pods).run(smallRequest(), RunSecrets.none(), ctx, List.of(new StreamedInput(
                new ContainerPath("/in/extra.bin"), 1 << 20, Optional.empty(), () -> {
                    opened.countDown();
                    return slow;
                }))));
        assertTrue(opened.await(60, TimeUnit.SECONDS), "the stream began");
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        ctx.cancellation.cancel();
        Map<String, Object> r = run.get(60, TimeUnit.SECONDS).toMap();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(false, r.get("success"), String.valueOf(r));
        assertEquals("cancelled", r.get("failure_reason"), String.valueOf(r));
        assertTrue(seconds < 30, "stopped " + seconds + " s after the cancellation (one 256 KiB frame takes hours at 20 B/s)");
        assertFalse(ctx.lines.stream().anyMatch(l -> l.contains("main-ran")), "the main container never ran: " + ctx.lines);
        System.out.printf("a trickling source stopped %.1f s after the cancellation%n", seconds);
        assertEquals(0, settledRunnerObjects(), "the Job, its pod, Secret and NetworkPolicy are deleted");
    }
}
