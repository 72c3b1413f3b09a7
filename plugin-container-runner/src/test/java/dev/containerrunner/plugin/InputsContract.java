package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code inputs} from a real S3-compatible server (S3Proxy in this JVM), the same on every backend:
 * an object arrives byte for byte, owned by the run's user, and is audited; a prefix becomes a
 * directory with its nested keys; a wrong sha256 fails the run before its container starts
 * ({@code input_checksum_mismatch}) and leaves nothing; a missing object or an empty prefix is
 * {@code input_not_found} with nothing created; keys outside {@code s3.input_prefixes} are refused
 * at validation; inputs mix with input_file and output_file; a run cancelled while a large object
 * streams in stops downloading it (the read is aborted, never drained). The runner reads S3 itself (Docker:
 * into the archive API; Kubernetes: into the pod's waiting init container), so the container never
 * reaches the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class InputsContract {

    protected static final String BUCKET = "inputs";
    protected S3Server s3;
    protected Path auditFile;
    protected ContainerRunnerApp app;
    protected ActionRegistry actions;

    /** The backend's part of the configuration, on top of {@code base}. */
    protected abstract Map<String, Object> configuration(Map<String, Object> base);

    /** Objects of this backend labelled with {@code ctx}'s workflow, run and task: what a call with it made. */
    protected abstract int runnerObjects(TestContext ctx);

    /** {@code ctx}'s objects once a failed run's cleanup settled (Kubernetes deletes in the background). */
    protected int settledRunnerObjects(TestContext ctx) throws InterruptedException {
        return runnerObjects(ctx);
    }

    /** Backend-specific proof, from the run's log lines, that its container never started. */
    protected void assertNeverStarted(List<String> log) {
    }

    /**
     * The mode {@code stat -c %a} shows for a directory an input prefix brought: 755 (Kubernetes adds
     * the setgid bit of the pod's fsGroup, as on every directory in its volumes).
     */
    protected String inputDirectoryMode() {
        return "755";
    }

    /** Backend-specific checks of the owner and modes {@code stat -c '%s %u:%g %a' FILE DIR} printed ({@code lines}). */
    protected void assertOwnership(String[] lines) {
    }

    /** Backend-specific checks, once the app closed, that nothing of this process's runs remains. */
    protected abstract void assertNothingLeft() throws InterruptedException;

    /** Backend-specific checks when nothing must be created, from the run's log lines. */
    protected void assertNothingCreated(List<String> log) {
    }

    @BeforeAll
    void withS3() throws Exception {
        s3 = new S3Server(BUCKET);
        auditFile = Files.createTempFile("inputs-audit", ".jsonl");
        app = new ContainerRunnerApp();
        app.configure(configuration(settings(s3.endpoint)));
        actions = ActionRegistry.of(app);
    }

    /** The app's settings with the S3 store at {@code endpoint}, before the backend's part. */
    private Map<String, Object> settings(String endpoint) {
        Map<String, Object> config = new HashMap<>();
        config.put("allowed_images", List.of(TestImages.PYTHON, "container-runner-test/*:*"));
        config.put("stop_grace_seconds", 3);
        config.put("collect_retention_seconds", 0);
        config.put("audit_log", auditFile.toString());
        config.put("s3", Map.of("bucket", BUCKET, "endpoint", endpoint, "path_style", true,
                "access_key_id", S3Server.ACCESS, "secret_access_key", S3Server.SECRET,
                "input_prefixes", List.of("s3://" + BUCKET + "/shared/")));
        return config;
    }

    @AfterAll
    void stopS3() throws Exception {
        app.close();
        s3.close();
        Files.deleteIfExists(auditFile);
        assertNothingLeft();
    }

    protected Map<String, Object> call(String action, TestContext ctx, Object... kv) {
        return ActionCalls.call(actions, action, ctx, kv);
    }

    protected String put(String key, byte[] bytes) throws Exception {
        s3.client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static Map<String, Object> input(String url, String path, String... sha) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("s3_url", url);
        m.put("path", path);
        if (sha.length > 0) {
            m.put("sha256", sha[0]);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    protected List<Map<String, Object>> auditLines() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(auditFile)) {
            out.add(new ObjectMapper().readValue(line, Map.class));
        }
        return out;
    }

    @Test
    void anObjectArrivesByteForByteOwnedByTheUserAndIsAudited() throws Exception {
        String sha = put("shared/run1/data.bin", random(5 << 20, 1));
        TestContext ctx = new TestContext("single");
        Map<String, Object> r = call("run_container", ctx, "image", TestImages.BUSYBOX,
                "inputs", List.of(input("s3://" + BUCKET + "/shared/run1/data.bin", "/input/data.bin", sha)),
                "command", List.of("sh", "-c", "sha256sum /input/data.bin && stat -c '%s %u:%g %a' /input/data.bin /input"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        String[] lines = ((String) r.get("stdout")).split("\n");
        assertEquals(sha + "  /input/data.bin", lines[0]);
        assertTrue(lines[1].startsWith((5 << 20) + " 65534:") && lines[1].endsWith(" 644"), lines[1]);
        assertOwnership(lines);
        Map<String, Object> line = auditLines().stream().filter(l -> "single".equals(l.get("task_id"))).reduce((a, b) -> b).orElseThrow();
        assertEquals(List.of(Map.of("s3_url", "s3://inputs/shared/run1/data.bin", "path", "/input/data.bin",
                "size_bytes", 5 << 20, "sha256", sha)), line.get("inputs"));
    }

    @Test
    void aPrefixBecomesADirectory() throws Exception {
        put("shared/set/a.txt", "alpha\n".getBytes());
        put("shared/set/sub/b.txt", "beta\n".getBytes());
        put("shared/set/sub/deeper/c.txt", new byte[0]);
        put("shared/set-other/x.txt", "not mine\n".getBytes());
        TestContext ctx = new TestContext("prefix");
        Map<String, Object> r = call("run_container", ctx, "image", TestImages.BUSYBOX,
                "inputs", List.of(input("s3://" + BUCKET + "/shared/set/", "/data/set")), "writable_dirs", List.of("/out"),
                "command", List.of("sh", "-c", "cd /data/set && find . | sort && cat a.txt sub/b.txt && stat -c '%u %a' sub"
                        + " && touch /data/set/new && echo writable"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals(".\n./a.txt\n./sub\n./sub/b.txt\n./sub/deeper\n./sub/deeper/c.txt\nalpha\nbeta\n65534 " + inputDirectoryMode() + "\nwritable\n",
                r.get("stdout"));
    }

    @Test
    void aWrongSha256FailsBeforeTheContainerStartsAndLeavesNothing() throws Exception {
        String sha = put("shared/run2/big.bin", random(3 << 20, 2));
        String wrong = sha.replace(sha.charAt(0), sha.charAt(0) == 'a' ? 'b' : 'a');
        List<String> log = new CopyOnWriteArrayList<>();
        TestContext ctx = new TestContext(CallObjects.uniqueContext("mismatch").taskId(), (stream, line) -> log.add(line));
        InputFailedException e = assertThrows(InputFailedException.class, () -> call("run_container", ctx,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/run2/big.bin", "/in/big.bin", wrong)),
                "command", List.of("sh", "-c", "echo main-ran")));
        assertEquals(Optional.of(FailureReason.INPUT_CHECKSUM_MISMATCH), e.failureReason());
        Map<String, Object> fields = new java.util.HashMap<>(Map.of("failure_reason", "input_checksum_mismatch", "retryable", false,
                "usage_unavailable_reason", "not_started"));
        fields.put("usage", null); // a thrown run: nothing ran, so nothing was measured
        assertEquals(fields, e.resultFields());
        assertTrue(e.getMessage().contains("has sha256 " + sha + ", not the " + wrong), e.getMessage());
        assertFalse(log.stream().anyMatch(l -> l.contains("main-ran")), "the container never ran: " + log);
        assertNeverStarted(log);
        assertEquals(0, settledRunnerObjects(ctx), "everything the run created is removed");
        Map<String, Object> line = auditLines().stream().filter(l -> ctx.taskId().equals(l.get("task_id"))).reduce((a, b) -> b).orElseThrow();
        assertEquals("input_checksum_mismatch", line.get("failure_reason"));
        assertEquals("error", line.get("outcome"));
    }

    @Test
    void aMissingObjectFailsAsInputNotFoundAndCreatesNothing() {
        List<String> log = new CopyOnWriteArrayList<>();
        TestContext missing = new TestContext(CallObjects.uniqueContext("missing").taskId(), (stream, line) -> log.add(line));
        InputFailedException e = assertThrows(InputFailedException.class, () -> call("run_container", missing,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/nope.bin", "/in/nope.bin")),
                "command", List.of("true")));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), e.failureReason());
        assertEquals("input s3://inputs/shared/nope.bin: does not exist", e.getMessage());
        assertEquals(0, runnerObjects(missing), "nothing created");
        assertNothingCreated(log);
        TestContext emptyPrefix = CallObjects.uniqueContext("empty");
        InputFailedException empty = assertThrows(InputFailedException.class, () -> call("run_container", emptyPrefix,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/empty/", "/in/set")),
                "command", List.of("true")));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), empty.failureReason());
        assertEquals(0, runnerObjects(emptyPrefix), "nothing created");
    }

    @Test
    void aKeyOutsideTheInputPrefixesIsRefusedAtValidation() throws Exception {
        put("private/secret.txt", "no\n".getBytes());
        for (String url : List.of("s3://" + BUCKET + "/private/secret.txt", "s3://" + BUCKET + "/shared-other/x",
                "s3://" + BUCKET + "/sharedx", "s3://other/shared/x")) {
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> actions.get("run_container").validator()
                    .check(Map.of("image", TestImages.BUSYBOX, "inputs", List.of(input(url, "/in/x")))));
            assertEquals("inputs[0].s3_url", e.parameter());
            assertTrue(e.getMessage().contains("is not under any of s3.input_prefixes [s3://inputs/shared/]"), e.getMessage());
        }
        InvalidKwargsException encoded = assertThrows(InvalidKwargsException.class, () -> actions.get("run_container").validator()
                .check(Map.of("image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/%2e%2e/private/secret.txt",
                        "/in/x")))));
        assertEquals("inputs[0].s3_url", encoded.parameter());
        TestContext outside = CallObjects.uniqueContext("outside");
        InvalidKwargsException called = assertThrows(InvalidKwargsException.class, () -> call("run_container", outside,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/private/secret.txt", "/in/x"))));
        assertEquals("inputs[0].s3_url", called.parameter());
        assertEquals(0, runnerObjects(outside), "nothing created");
    }

    @Test
    void withInputFileAndOutputFileInRunWithInput() throws Exception {
        String sha = put("shared/run3/in.csv", "a,b\n1,2\n".getBytes());
        Map<String, Object> r = call("run_with_input", new TestContext("mixed"), "image", TestImages.BUSYBOX,
                "inputs", List.of(input("s3://" + BUCKET + "/shared/run3/in.csv", "/work/in.csv", sha)),
                "input_file", Map.of("path", "/work/script.sh", "content", "wc -l < /work/in.csv > /out/n.txt"),
                "output_file", "/out/n.txt", "command", List.of("sh", "/work/script.sh"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("2\n", r.get("output_file_content"));
    }

    /**
     * Cancelled while a 256 MiB object streams in, the run stops reading it: the object's request is
     * aborted, not drained to its end (the Apache client's close would download the rest first,
     * holding the run). Measured where it matters: the bytes the store sent, through a counting relay.
     */
    @Test
    void aCancelledStreamStopsDownloadingTheObject() throws Exception {
        long size = 256L << 20;
        s3.client.putObject(b -> b.bucket(BUCKET).key("shared/run5/huge.bin"), RequestBody.fromInputStream(new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 7 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 7);
                left -= n;
                return n;
            }
        }, size));
        TestContext ctx = CallObjects.uniqueContext("abort");
        String reason;
        try (CountingRelay relay = new CountingRelay(java.net.URI.create(s3.endpoint).getPort());
             ContainerRunnerApp viaRelay = new ContainerRunnerApp()) {
            viaRelay.configure(configuration(settings(relay.endpoint())));
            relay.whenSent(16 << 20, ctx.cancellation::cancel);
            try {
                Map<String, Object> r = ActionCalls.call(ActionRegistry.of(viaRelay), "run_container", ctx,
                        "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/run5/huge.bin", "/in/huge.bin")),
                        "command", List.of("sh", "-c", "echo main-ran"));
                reason = String.valueOf(r.get("failure_reason"));
            } catch (ContainerEngineException e) {
                reason = String.valueOf(e.resultFields().get("failure_reason"));
            }
            Thread.sleep(1000); // what was in flight when the run ended
            long sent = relay.sent();
            System.out.printf("%s: cancelled at 16 MiB of a %d MiB input: the store sent %.1f MiB in all%n",
                    getClass().getSimpleName(), size >> 20, sent / 1048576.0);
            assertTrue(sent < size / 2, "the store sent " + sent + " of " + size + " bytes: the cancelled read was drained");
        }
        assertEquals("cancelled", reason);
        assertFalse(ctx.lines.stream().anyMatch(l -> l.contains("main-ran")), "the container never ran: " + ctx.lines);
        assertEquals(0, settledRunnerObjects(ctx), "everything the run created is removed");
        s3.client.deleteObject(b -> b.bucket(BUCKET).key("shared/run5/huge.bin"));
    }

    /** 50 MiB from S3 into the container, byte-exact; prints the time the run took. */
    @Test
    void fiftyMebibytesArriveByteExact() throws Exception {
        String sha = put("shared/run4/fifty.bin", random(50 << 20, 4));
        TestContext ctx = new TestContext("fifty");
        long t0 = System.nanoTime();
        Map<String, Object> r = call("run_container", ctx, "image", TestImages.BUSYBOX, "memory_limit", "256m",
                "inputs", List.of(input("s3://" + BUCKET + "/shared/run4/fifty.bin", "/in/fifty.bin", sha)),
                "command", List.of("sha256sum", "/in/fifty.bin"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals(sha + "  /in/fifty.bin\n", r.get("stdout"));
        System.out.println(getClass().getSimpleName() + ": 50 MiB from S3 into the container: run took " + ms + " ms; "
                + ctx.lines.stream().filter(l -> l.contains("streamed ")).findFirst().orElse("(no stream line)"));
    }
}
