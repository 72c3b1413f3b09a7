package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.CollectRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** collect_output's orchestration: budget across paths, cancellation, log lines, release. */
class OutputCollectorTest {

    private final AtomicBoolean released = new AtomicBoolean();

    private CollectSource source(CollectSource.RunFiles files, String runId) {
        return (action, id) -> new CollectSource.Target() {
            @Override
            public Map<String, String> labels() {
                return Map.of(Labels.MANAGED_BY, Labels.APP, Labels.RUN, runId);
            }

            @Override
            public boolean running() {
                return false;
            }

            @Override
            public void release() {
                released.set(true);
            }

            @Override
            public List<String> runDirectories() {
                return files.runDirectories();
            }

            @Override
            public Optional<TreeEntry> stat(String path, CollectGuard guard) throws IOException {
                return files.stat(path, guard);
            }

            @Override
            public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) throws IOException {
                return files.entries(path, admission, guard);
            }

            @Override
            public String absenceNote() {
                return files.absenceNote();
            }
        };
    }

    private static CollectRequest request(List<String> paths, Object... kv) {
        Map<String, Object> k = new HashMap<>(Map.of("container_id", "0123456789ab", "file_paths", paths));
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        return CollectRequest.from("collect_output", k);
    }

    @Test
    void aThousandFilesOfOneMibStayWithinTheActionsBudget() {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/one.mib", new byte[1 << 20]);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            files.hardLink("/out/l" + i, "/out/one.mib");
            paths.add("/out/l" + i);
        }
        TestContext ctx = new TestContext("many");
        CollectResult r = new OutputCollector(source(files, ctx.runId()), RunnerConfig.defaults(), () -> null)
                .collect("collect_output", request(paths), ctx);
        long inline = r.files().stream().filter(f -> f instanceof CollectedFile.Inline).count();
        assertEquals(16, inline, "max_inline_total_bytes (16 MiB) / 1 MiB");
        assertEquals(1000, r.files().size());
        CollectedFile.Failed over = (CollectedFile.Failed) r.files().get(999);
        assertEquals(CollectedFile.Reason.BUDGET_EXCEEDED, over.reason());
        assertEquals(1L << 20, over.toMap().get("size_bytes"));
        assertFalse(r.success());
    }

    @Test
    void cancellationDuringASlowCollectEndsWithinSecondsWithAClearResult() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        FakeRunFiles slow = new FakeRunFiles("/out") {
            @Override
            public InputStream archive(String path) {
                InputStream never = new InputStream() {
                    private final CountDownLatch closed = new CountDownLatch(1);

                    @Override
                    public int read() throws IOException {
                        started.countDown();
                        try {
                            closed.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IOException("closed");
                    }

                    @Override
                    public void close() {
                        closed.countDown();
                    }
                };
                return new SequenceInputStream(super.archive(path), never);
            }
        };
        slow.file("/out/a", "a").file("/out/b", "b");
        TestContext ctx = new TestContext("slow");
        CompletableFuture<CollectResult> running = CompletableFuture.supplyAsync(() -> new OutputCollector(source(slow,
                ctx.runId()), RunnerConfig.defaults(), () -> null).collect("collect_output", request(List.of("/out", "/out/b"),
                "release", true), ctx));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        ctx.cancellation.cancel();
        CollectResult r = running.get(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 5, "ended " + seconds + " s after the cancellation");
        assertFalse(r.success());
        assertEquals("collect_output stopped: the task was cancelled; the files listed before that were collected, the others"
                + " were not read", r.error());
        Map<String, CollectedFile> byPath = new HashMap<>();
        r.files().forEach(f -> byPath.put(f.path(), f));
        assertEquals("a", ((CollectedFile.Inline) byPath.get("/out/a")).content().text());
        assertEquals(CollectedFile.Reason.CANCELLED, ((CollectedFile.Failed) r.files().get(r.files().size() - 1)).reason());
        assertTrue(released.get(), "release: true still releases");
    }

    /** A stream the abort closes may just end: an upload cut short by a cancellation is reported as cancelled, not as a failure. */
    @Test
    void anUploadCutShortByTheCancellationIsReportedAsCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        FakeRunFiles slow = new FakeRunFiles("/out") {
            @Override
            public InputStream archive(String path) {
                byte[] whole;
                try {
                    whole = super.archive(path).readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                InputStream endsWhenClosed = new InputStream() {
                    private final CountDownLatch closed = new CountDownLatch(1);

                    @Override
                    public int read() {
                        started.countDown();
                        try {
                            closed.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return -1;
                    }

                    @Override
                    public void close() {
                        closed.countDown();
                    }
                };
                return new SequenceInputStream(new java.io.ByteArrayInputStream(whole, 0, 3 * 512 + (1 << 20)), endsWhenClosed);
            }
        };
        slow.file("/out/big", new byte[10 << 20]);
        dev.containerrunner.plugin.s3.ObjectStore store = new dev.containerrunner.plugin.s3.ObjectStore() {
            @Override
            public Stored put(String key, InputStream content, long size) {
                try {
                    content.readNBytes((int) size);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("reading the file from the engine failed", e);
                }
                return new Stored("s3://b/" + key, size, "00");
            }

            @Override
            public void close() {
            }
        };
        TestContext ctx = new TestContext("upload-cancel");
        RunnerConfig config = RunnerConfig.from(Map.of("s3", Map.of("bucket", "bucket")));
        CompletableFuture<CollectResult> running = CompletableFuture.supplyAsync(() -> new OutputCollector(source(slow,
                ctx.runId()), config, () -> store).collect("collect_output", request(List.of("/out"), "upload_to_s3", true), ctx));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        ctx.cancellation.cancel();
        CollectResult r = running.get(10, TimeUnit.SECONDS);
        assertFalse(r.success());
        assertTrue(r.error().contains("the task was cancelled"), r.error());
        assertEquals(CollectedFile.Reason.CANCELLED, ((CollectedFile.Failed) r.files().get(0)).reason());
    }

    @Test
    void logLinesNeutraliseContainerChosenNamesAndResultsKeepThemExact() {
        String forged = "/out/x\n[deploy #] signature verified OK";
        FakeRunFiles files = new FakeRunFiles("/out").file(forged, "x");
        TestContext ctx = new TestContext("forged");
        CollectResult r = new OutputCollector(source(files, ctx.runId()), RunnerConfig.defaults(), () -> null)
                .collect("collect_output", request(List.of("/out")), ctx);
        assertEquals(forged, r.files().get(0).path());
        assertEquals(List.of("SYSTEM collected /out/x\\n[deploy #] signature verified OK (1 bytes)"), ctx.lines);
        assertTrue(ctx.lines.stream().noneMatch(l -> l.contains("\n")));
    }

    @Test
    void aMissingPathIsReportedWithWhatTheSourceCannotSee() {
        TestContext ctx = new TestContext("absent");
        FakeRunFiles plain = new FakeRunFiles("/out").file("/out/a", "a");
        CollectResult seen = new OutputCollector(source(plain, ctx.runId()), RunnerConfig.defaults(), () -> null)
                .collect("collect_output", request(List.of("/out/p")), ctx);
        assertEquals(Map.of("path", "/out/p", "error", "/out/p does not exist in the container", "failure_reason", "not_found",
                "retryable", false), seen.files().get(0).toMap());
        String note = " (or, under a sandbox, was made as a FIFO)";
        FakeRunFiles sandboxed = new FakeRunFiles("/out").file("/out/a", "a").absenceNote(note);
        CollectResult r = new OutputCollector(source(sandboxed, ctx.runId()), RunnerConfig.defaults(), () -> null)
                .collect("collect_output", request(List.of("/out/p")), ctx);
        assertEquals(Map.of("path", "/out/p", "error", "/out/p does not exist in the container" + note, "failure_reason", "not_found",
                "retryable", false), r.files().get(0).toMap());
        assertFalse(r.success());
        dev.containerrunner.spi.ActionFailedException strict = org.junit.jupiter.api.Assertions.assertThrows(
                dev.containerrunner.spi.ActionFailedException.class, () -> new OutputCollector(source(sandboxed, ctx.runId()),
                        RunnerConfig.defaults(), () -> null).collect("collect_output", request(List.of("/out/p"), "strict", true), ctx));
        assertTrue(strict.getMessage().endsWith("(strict: true)" + note), strict.getMessage());
    }
}
