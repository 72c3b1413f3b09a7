package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.InvalidKwargsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** {@code inputs} on the real engine from a real S3-compatible server (S3Proxy): streamed, verified, refused. */
class InputsIT extends DockerIT {

    static final String BUCKET = "inputs";
    static S3Server s3;
    static Path auditFile;

    @BeforeAll
    static void withS3() throws Exception {
        app.close();
        s3 = new S3Server(BUCKET);
        auditFile = Files.createTempFile("inputs-audit", ".jsonl");
        Map<String, Object> config = baseConfig();
        config.put("audit_log", auditFile.toString());
        config.put("s3", Map.of("bucket", BUCKET, "endpoint", s3.endpoint, "path_style", true,
                "access_key_id", S3Server.ACCESS, "secret_access_key", S3Server.SECRET,
                "input_prefixes", List.of("s3://" + BUCKET + "/shared/")));
        start(config);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
        Files.deleteIfExists(auditFile);
    }

    static String put(String key, byte[] bytes) throws Exception {
        s3.client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Map<String, Object> input(String url, String path, String... sha) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("s3_url", url);
        m.put("path", path);
        if (sha.length > 0) {
            m.put("sha256", sha[0]);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> auditLines() throws Exception {
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
        assertEquals((5 << 20) + " 65534:65534 644", lines[1]);
        assertTrue(lines[2].endsWith(" 65534:65534 755"), lines[2]);
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
        assertEquals(".\n./a.txt\n./sub\n./sub/b.txt\n./sub/deeper\n./sub/deeper/c.txt\nalpha\nbeta\n65534 755\nwritable\n",
                r.get("stdout"));
    }

    @Test
    void aWrongSha256FailsBeforeTheContainerStartsAndLeavesNothing() throws Exception {
        String sha = put("shared/run2/big.bin", random(3 << 20, 2));
        String wrong = sha.replace(sha.charAt(0), sha.charAt(0) == 'a' ? 'b' : 'a');
        List<String> log = new CopyOnWriteArrayList<>();
        TestContext ctx = new TestContext("mismatch", (stream, line) -> log.add(line));
        InputFailedException e = assertThrows(InputFailedException.class, () -> call("run_container", ctx,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/run2/big.bin", "/in/big.bin", wrong)),
                "command", List.of("true")));
        assertEquals(Optional.of(FailureReason.INPUT_CHECKSUM_MISMATCH), e.failureReason());
        assertEquals(Map.of("failure_reason", "input_checksum_mismatch", "retryable", false), e.resultFields());
        assertTrue(e.getMessage().contains("has sha256 " + sha + ", not the " + wrong), e.getMessage());
        assertFalse(log.stream().anyMatch(l -> l.startsWith("started container")), "the container never started: " + log);
        assertEquals(0, labelledObjects(ctx), "container and volumes removed");
        Map<String, Object> line = auditLines().stream().filter(l -> "mismatch".equals(l.get("task_id"))).reduce((a, b) -> b).orElseThrow();
        assertEquals("input_checksum_mismatch", line.get("failure_reason"));
        assertEquals("error", line.get("outcome"));
    }

    @Test
    void aMissingObjectFailsAsInputNotFoundAndCreatesNothing() {
        TestContext missing = CallObjects.uniqueContext("missing");
        InputFailedException e = assertThrows(InputFailedException.class, () -> call("run_container", missing,
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/nope.bin", "/in/nope.bin")),
                "command", List.of("true")));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), e.failureReason());
        assertEquals("input s3://inputs/shared/nope.bin: does not exist", e.getMessage());
        assertEquals(0, labelledObjects(missing), "nothing created");
        InputFailedException empty = assertThrows(InputFailedException.class, () -> call("run_container", new TestContext("empty"),
                "image", TestImages.BUSYBOX, "inputs", List.of(input("s3://" + BUCKET + "/shared/empty/", "/in/set")),
                "command", List.of("true")));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), empty.failureReason());
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
        assertEquals(0, labelledObjects(outside), "nothing created");
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
}
