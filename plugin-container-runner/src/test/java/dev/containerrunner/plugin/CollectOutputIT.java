package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.docker.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionFailedException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** collect_output after a run: inline, S3 (real S3Proxy), directories, refusals, release. */
class CollectOutputIT extends DockerIT {

    static final String BUCKET = "collected";
    static S3Server s3;

    @BeforeAll
    static void withS3AndRetention() throws Exception {
        app.close();
        s3 = new S3Server(BUCKET);
        Map<String, Object> config = baseConfig();
        config.put("collect_retention_seconds", 600);
        config.put("max_inline_bytes", 1 << 20);
        config.put("s3", Map.of("bucket", BUCKET, "endpoint", s3.endpoint, "path_style", true,
                "access_key_id", S3Server.ACCESS, "secret_access_key", S3Server.SECRET));
        start(config);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    /** A run that leaves text, binary and a 200 MiB file in /out, and prints the big file's sha256. */
    static Map<String, Object> produce(TestContext ctx) {
        Map<String, Object> r = call("run_container", ctx, "image", TestImages.BUSYBOX, "writable_dirs", List.of("/out"),
                "command", List.of("sh", "-c", "echo hello text > /out/a.txt && printf '\\000\\001\\002\\377' > /out/b.bin"
                        + " && mkdir /out/sub && echo nested > /out/sub/c.txt"
                        + " && head -c 209715200 /dev/urandom > /out/big.bin && sha256sum /out/big.bin"),
                "timeout_seconds", 120);
        assertEquals(true, r.get("success"), String.valueOf(r));
        return r;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> files(Map<String, Object> collected) {
        return (List<Map<String, Object>>) collected.get("files");
    }

    @Test
    void inlineTextAndBinaryAndAClearErrorForTooLarge() {
        TestContext ctx = new TestContext("inline");
        Map<String, Object> run = produce(ctx);
        Map<String, Object> c = call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/out/a.txt", "/out/b.bin", "/out/big.bin", "/out/missing.txt"));
        List<Map<String, Object>> f = files(c);
        assertEquals(Map.of("path", "/out/a.txt", "size_bytes", 11L, "content", "hello text\n", "encoding", "utf-8"), f.get(0));
        assertEquals(Map.of("path", "/out/b.bin", "size_bytes", 4L, "content", "AAEC/w==", "encoding", "base64"), f.get(1));
        assertTrue(((String) f.get(2).get("error")).contains("above max_inline_bytes"), f.get(2).toString());
        assertFalse(f.get(2).containsKey("content"), "never a truncated file presented as whole");
        assertTrue(((String) f.get(3).get("error")).contains("does not exist"));
        assertEquals(false, c.get("success"));
        app.runFinished(ctx.runId());
        assertThrows(NoSuchContainerException.class, () -> app.gateway().inspect((String) run.get("container_id")),
                "the end of the workflow run releases what was kept");
    }

    @Test
    void s3UploadsStreamAndReadBackByteForByte() throws Exception {
        TestContext ctx = new TestContext("upload");
        Map<String, Object> run = produce(ctx);
        String sha = ((String) run.get("stdout")).split(" ")[0];
        long t0 = System.nanoTime();
        Map<String, Object> c = call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/out"), "upload_to_s3", true, "s3_prefix", "videos/2026");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(true, c.get("success"), String.valueOf(c));
        List<Map<String, Object>> f = files(c);
        assertEquals(List.of("/out/a.txt", "/out/b.bin", "/out/big.bin", "/out/sub/c.txt"),
                f.stream().map(m -> (String) m.get("path")).sorted().toList());
        Map<String, Object> big = f.stream().filter(m -> m.get("path").equals("/out/big.bin")).findFirst().orElseThrow();
        assertEquals(209715200L, big.get("size_bytes"));
        assertEquals(sha, big.get("sha256"));
        String key = "videos/2026/test/run-upload/upload/out/big.bin";
        assertEquals("s3://" + BUCKET + "/" + key, big.get("s3_url"));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (InputStream in = s3.client.getObject(b -> b.bucket(BUCKET).key(key))) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; size += n) {
                digest.update(buf, 0, n);
            }
        }
        assertEquals(209715200L, size);
        assertEquals(sha, HexFormat.of().formatHex(digest.digest()), "the bytes read back are the container's");
        String text = s3.client.getObjectAsBytes(b -> b.bucket(BUCKET).key("videos/2026/test/run-upload/upload/out/a.txt")).asUtf8String();
        assertEquals("hello text\n", text);
        System.out.printf("200 MiB collected to S3 in %.1f s%n", seconds);
        Map<String, Object> released = call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/out/a.txt"), "release", true);
        assertEquals(true, released.get("success"));
        assertThrows(NoSuchContainerException.class, () -> app.gateway().inspect((String) run.get("container_id")));
    }

    @Test
    void aOneGibibyteFileStreamsToS3WithBoundedMemory() throws Exception {
        TestContext ctx = new TestContext("gib");
        Map<String, Object> run = call("run_container", ctx, "image", TestImages.BUSYBOX, "writable_dirs", List.of("/out"),
                "command", List.of("sh", "-c", "head -c 1073741824 /dev/urandom > /out/one.gib && sha256sum /out/one.gib"),
                "timeout_seconds", 300);
        assertEquals(true, run.get("success"), String.valueOf(run));
        String sha = ((String) run.get("stdout")).split(" ")[0];
        long t0 = System.nanoTime();
        Map<String, Object> c = call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/out/one.gib"), "upload_to_s3", true, "release", true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> f = files(c).get(0);
        assertEquals(1L << 30, f.get("size_bytes"), String.valueOf(c));
        assertEquals(sha, f.get("sha256"));
        String key = ((String) f.get("s3_url")).substring(("s3://" + BUCKET + "/").length());
        assertEquals(1L << 30, s3.client.headObject(b -> b.bucket(BUCKET).key(key)).contentLength());
        System.out.printf("1 GiB collected to S3 in %.1f s (JVM max heap %d MiB)%n", seconds, Runtime.getRuntime().maxMemory() >> 20);
        s3.client.deleteObject(b -> b.bucket(BUCKET).key(key));
    }

    /**
     * Docker's archive API has no listing: in a directory, an entry that does not fit is read through
     * and discarded within max_collect_skip_bytes, then the directory gets a clear entry; never an
     * 8 GiB read, never a hang.
     */
    @Test
    void aDockerDirectoryWithAnEightGibSparseFileIsReadThroughOnlyWithinTheSkipBudget() {
        TestContext ctx = new TestContext("skip");
        Map<String, Object> run = call("run_container", ctx, "image", TestImages.BUSYBOX, "writable_dirs", List.of("/out"),
                "command", List.of("sh", "-c", "echo a > /out/a-small.txt && truncate -s 8G /out/big && echo z > /out/z-small.txt"));
        assertEquals(true, run.get("success"), String.valueOf(run));
        long t0 = System.nanoTime();
        Map<String, Object> c = call("collect_output", ctx, "container_id", run.get("container_id"), "file_paths", List.of("/out"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("a directory with an 8 GiB sparse file: read through up to max_collect_skip_bytes in %.2f s%n", seconds);
        assertTrue(seconds < 30, "took " + seconds + " s");
        List<Map<String, Object>> f = files(c);
        assertEquals(Map.of("path", "/out/a-small.txt", "size_bytes", 2L, "content", "a\n", "encoding", "utf-8"), f.get(0));
        assertEquals("/out/big", f.get(1).get("path"));
        assertEquals(8589934592L, f.get(1).get("size_bytes"));
        assertEquals("/out", f.get(2).get("path"));
        assertTrue(((String) f.get(2).get("error")).contains("max_collect_skip_bytes (268435456)"), f.get(2).toString());
        assertEquals(3, f.size(), "nothing is reported for entries that were not read: " + f);
        Map<String, Object> byPath = call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/out/z-small.txt"));
        assertEquals("z\n", files(byPath).get(0).get("content"), "by path it is found without reading the big file");
        app.runFinished(ctx.runId());
    }

    /** Uploads follow the same rule per entry type: a link uploads its target's bytes, a FIFO is reported. */
    @Test
    void uploadsFollowTheSameRulePerEntryType() {
        TestContext ctx = new TestContext("kinds");
        Map<String, Object> run = call("run_container", ctx, "image", TestImages.BUSYBOX, "writable_dirs", List.of("/out"),
                "command", List.of("sh", "-c", "cd /out && echo data > a && ln a b && ln -s a s && mkfifo p"));
        Map<String, Object> c = call("collect_output", ctx, "container_id", run.get("container_id"), "file_paths", List.of("/out"),
                "upload_to_s3", true, "release", true);
        List<Map<String, Object>> f = files(c);
        assertEquals(List.of("/out/a", "/out/b", "/out/p", "/out/s"), f.stream().map(m -> (String) m.get("path")).toList());
        for (int i : new int[] {0, 1, 3}) {
            String key = ((String) f.get(i).get("s3_url")).substring(("s3://" + BUCKET + "/").length());
            assertEquals("data\n", s3.client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String(), f.get(i).toString());
            assertEquals(5L, f.get(i).get("size_bytes"));
        }
        assertTrue(((String) f.get(2).get("error")).contains("FIFO"), f.get(2).toString());
        assertFalse(f.get(2).containsKey("s3_url"));
    }

    @Test
    void strictModeFailsOnAMissingPath() {
        TestContext ctx = new TestContext("strict");
        Map<String, Object> run = call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("true"));
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> call("collect_output", ctx,
                "container_id", run.get("container_id"), "file_paths", List.of("/nope"), "strict", true));
        assertTrue(e.getMessage().contains("/nope does not exist"), e.getMessage());
        app.runFinished(ctx.runId());
    }

    @Test
    void containersNotMadeByTheRunnerOrFromAnotherRunAreRefused() {
        DockerGateway g = app.gateway();
        String foreign = g.createContainer(new ContainerSpec(TestImages.BUSYBOX, null, List.of("true"), Map.of(),
                "65534", 6L << 20, 100_000_000L, 16, "none", false, false, List.of(), Map.of("purpose", "not-ours"), null, false));
        try {
            ActionFailedException e = assertThrows(ActionFailedException.class, () -> call("collect_output",
                    new TestContext("foreign"), "container_id", foreign, "file_paths", List.of("/etc/passwd")));
            assertTrue(e.getMessage().contains("was not created by container_runner"), e.getMessage());
        } finally {
            g.removeContainer(foreign);
        }
        TestContext first = new TestContext("first");
        Map<String, Object> run = call("run_container", first, "image", TestImages.BUSYBOX, "command", List.of("true"));
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> call("collect_output",
                new TestContext("other"), "container_id", run.get("container_id"), "file_paths", List.of("/etc/passwd")));
        assertTrue(e.getMessage().contains("another workflow run"), e.getMessage());
        app.runFinished(first.runId());
    }

    @Test
    void badCollectInputIsNamed() {
        for (Object[] kv : List.of(
                new Object[] {"container_id", "not-an-id", "file_paths", List.of("/x")},
                new Object[] {"container_id", "abcdef012345", "file_paths", List.of("relative")},
                new Object[] {"container_id", "abcdef012345", "file_paths", List.of()},
                new Object[] {"container_id", "abcdef012345", "file_paths", List.of("/x"), "s3_prefix", "../escape"},
                new Object[] {"container_id", "abcdef012345", "file_paths", List.of("/x"), "s3_prefix", "/abs"})) {
            assertThrows(dev.containerrunner.spi.InvalidKwargsException.class, () -> call("collect_output", new TestContext("bad"), kv));
        }
    }

    @Test
    void aKeptContainerIsRemovedWhenTheAppCloses() {
        TestContext ctx = new TestContext("kept");
        Map<String, Object> run = call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("true"));
        assertEquals(1, app.gateway().findContainers(Map.of(Labels.ATTEMPT,
                app.gateway().inspect((String) run.get("container_id")).labels().get(Labels.ATTEMPT))).size());
        // nothingLeftBehind (after all tests) closes the app and checks that it is gone
    }
}
