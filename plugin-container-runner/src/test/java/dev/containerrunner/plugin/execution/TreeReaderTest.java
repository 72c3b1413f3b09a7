package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.CollectedFile.Failed;
import dev.containerrunner.plugin.execution.CollectedFile.Inline;
import dev.containerrunner.plugin.execution.CollectedFile.Reason;
import dev.containerrunner.spi.CancellationSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rule per entry type, links, budgets and names, on real tar archives of an in-memory tree. */
class TreeReaderTest {

    private final CollectGuard guard = CollectGuard.start(CancellationSignal.never(), Duration.ofMinutes(1), 64 << 20);

    @AfterEach
    void closeGuard() {
        guard.close();
    }

    private List<CollectedFile> read(FakeRunFiles files, String path) throws IOException {
        return read(files, path, CollectBudget.forCollect(false, 1 << 20, 16 << 20, 1000));
    }

    private List<CollectedFile> read(FakeRunFiles files, String path, CollectBudget budget) throws IOException {
        return new TreeReader(files, budget, guard, OutputCollector.Inline.SINK).read(path);
    }

    private static String text(CollectedFile f) {
        return ((Inline) f).content().text();
    }

    private static Failed failed(CollectedFile f) {
        return assertInstanceOf(Failed.class, f, String.valueOf(f));
    }

    @Test
    void aHardLinkIsItsTargetsBytesASymlinkIsFollowedAFifoIsReported() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/a", "hello\n").hardLink("/out/b", "/out/a")
                .symlink("/out/s", "a").special("/out/p", EntryKind.FIFO);
        List<CollectedFile> got = read(files, "/out");
        assertEquals(List.of("/out/a", "/out/b", "/out/p", "/out/s"), got.stream().map(CollectedFile::path).toList());
        assertEquals(Map.of("path", "/out/a", "size_bytes", 6L, "content", "hello\n", "encoding", "utf-8"), got.get(0).toMap());
        assertEquals(Map.of("path", "/out/b", "size_bytes", 6L, "content", "hello\n", "encoding", "utf-8"), got.get(1).toMap(),
                "a hard link is its target's bytes, not an empty file");
        Failed fifo = failed(got.get(2));
        assertEquals(Reason.NOT_A_REGULAR_FILE, fifo.reason());
        assertEquals("/out/p is a FIFO (named pipe), not a regular file: not collected", fifo.error());
        assertFalse(fifo.toMap().containsKey("content"));
        assertEquals(Map.of("path", "/out/s", "size_bytes", 6L, "content", "hello\n", "encoding", "utf-8"), got.get(3).toMap());
    }

    @Test
    void aSymlinkToTheSecondNameOfAHardLinkedFileIsThatFile() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/a", "shared").hardLink("/out/b", "/out/a")
                .symlink("/out/s", "b");
        assertEquals("shared", text(byPath(read(files, "/out")).get("/out/s")));
    }

    @Test
    void devicesAreReportedNeverReturnedAsEmptyFiles() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").special("/out/c", EntryKind.CHAR_DEVICE)
                .special("/out/d", EntryKind.BLOCK_DEVICE).file("/out/empty", "");
        List<CollectedFile> got = read(files, "/out");
        assertTrue(failed(got.get(0)).error().contains("a character device"), got.get(0).toString());
        assertTrue(failed(got.get(1)).error().contains("a block device"), got.get(1).toString());
        assertEquals(Map.of("path", "/out/empty", "size_bytes", 0L, "content", "", "encoding", "utf-8"), got.get(2).toMap(),
                "an empty file is the only empty content");
    }

    @Test
    void symlinksWithAbsoluteOrRelativeTargetsInsideTheTreeOrTheRunsDirectoriesAreFollowed() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out", "/work/in").file("/out/sub/x", "nested").file("/work/in/data.txt", "input")
                .symlink("/out/abs", "/out/sub/x").symlink("/out/rel", "sub/./x").symlink("/out/sub/up", "../sub/x")
                .symlink("/out/input", "/work/in/data.txt").symlink("/out/dotdot", "../work/in/data.txt");
        List<CollectedFile> got = read(files, "/out");
        for (String path : List.of("/out/abs", "/out/rel", "/out/sub/up")) {
            CollectedFile f = got.stream().filter(c -> c.path().equals(path)).findFirst().orElseThrow();
            assertEquals("nested", text(f), path);
        }
        for (String path : List.of("/out/input", "/out/dotdot")) {
            CollectedFile f = got.stream().filter(c -> c.path().equals(path)).findFirst().orElseThrow();
            assertEquals("input", text(f), path + " points into the run's input directory");
        }
    }

    @Test
    void symlinksLeavingTheTreeAndTheRunsDirectoriesAreNotFollowed() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/etc/passwd", "root:x:0:0").file("/run/secrets/token", "s3cr3t")
                .symlink("/out/passwd", "/etc/passwd").symlink("/out/rel", "../etc/passwd")
                .symlink("/out/secret", "/run/secrets/token").symlink("/out/proc", "/proc/self/environ")
                .symlink("/out/d", "/etc").symlink("/out/through", "d/passwd");
        List<CollectedFile> got = read(files, "/out");
        for (CollectedFile f : got) {
            Failed e = failed(f);
            assertEquals(Reason.NOT_A_REGULAR_FILE, e.reason());
            assertTrue(e.error().contains("outside the collected tree and the run's directories"), e.error());
            assertFalse(e.toMap().containsKey("content"));
        }
        assertEquals("/out/passwd is a symbolic link to /etc/passwd that leads to /etc, outside the collected tree and the"
                + " run's directories [/out]: not followed", failed(got.stream().filter(f -> f.path().equals("/out/passwd"))
                .findFirst().orElseThrow()).error());
    }

    @Test
    void loopsChainsLongerThanEightHopsDanglingLinksAndDirectoriesAreReported() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/f", "end").dir("/out/dir")
                .symlink("/out/l1", "l2").symlink("/out/l2", "l1").symlink("/out/dangling", "nothing")
                .symlink("/out/todir", "dir").symlink("/out/notdir", "f/x");
        for (int i = 1; i <= 9; i++) {
            files.symlink("/out/c" + i, i == 9 ? "f" : "c" + (i + 1));
        }
        Map<String, CollectedFile> got = byPath(read(files, "/out"));
        assertTrue(failed(got.get("/out/l1")).error().contains("loop"), got.get("/out/l1").toString());
        assertTrue(failed(got.get("/out/dangling")).error().contains("does not exist"), got.get("/out/dangling").toString());
        assertTrue(failed(got.get("/out/todir")).error().contains("which is a directory: not followed (collect /out/dir itself)"),
                got.get("/out/todir").toString());
        assertTrue(failed(got.get("/out/notdir")).error().contains("not a directory"), got.get("/out/notdir").toString());
        assertTrue(failed(got.get("/out/c1")).error().contains("more than 8 symbolic links"), got.get("/out/c1").toString());
        assertEquals("end", text(got.get("/out/c2")), "8 links (c2 .. c9) are followed");
    }

    private static Map<String, CollectedFile> byPath(List<CollectedFile> files) {
        Map<String, CollectedFile> m = new java.util.LinkedHashMap<>();
        files.forEach(f -> m.put(f.path(), f));
        return m;
    }

    @Test
    void aRequestedSymlinkIsFollowedIntoTheRunsDirectoriesOnly() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/real.txt", "real").file("/app/x", "app")
                .symlink("/out/link", "real.txt").symlink("/out/away", "/app/x");
        assertEquals("real", text(read(files, "/out/link").get(0)));
        assertEquals(Reason.NOT_A_REGULAR_FILE, failed(read(files, "/out/away").get(0)).reason());
    }

    @Test
    void aFileAboveMaxInlineBytesIsReportedWithItsSizeAndAboveTheActionsBudgetToo() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/a", new byte[700_000]).file("/out/b", new byte[700_000])
                .file("/out/big", new byte[2 << 20]).file("/out/c", "small");
        CollectBudget budget = CollectBudget.forCollect(false, 1 << 20, 1_000_000, 1000);
        Map<String, CollectedFile> got = byPath(read(files, "/out", budget));
        assertInstanceOf(Inline.class, got.get("/out/a"));
        Failed b = failed(got.get("/out/b"));
        assertEquals(Reason.BUDGET_EXCEEDED, b.reason());
        assertEquals(700_000L, b.toMap().get("size_bytes"));
        assertTrue(b.error().contains("max_inline_total_bytes (1000000)"), b.error());
        Failed big = failed(got.get("/out/big"));
        assertEquals(Reason.TOO_LARGE, big.reason());
        assertEquals(List.of("path", "size_bytes", "error", "failure_reason", "retryable"), List.copyOf(big.toMap().keySet()));
        assertEquals("too_large", big.toMap().get("failure_reason"));
        assertEquals(false, big.toMap().get("retryable"));
        assertEquals("budget_exceeded", b.toMap().get("failure_reason"));
        assertEquals(2097152L, big.toMap().get("size_bytes"), "the size of a file too large is known and reported");
        assertEquals("/out/big is 2097152 bytes, above max_inline_bytes (1048576); use upload_to_s3: true", big.error());
        assertEquals("small", text(got.get("/out/c")), "a small file after refused ones is still collected");
    }

    @Test
    void readingThroughMoreThanMaxCollectSkipBytesStopsTheTreeWithAClearEntry() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/a", "first").file("/out/big", new byte[3 << 20])
                .file("/out/z", "after");
        try (CollectGuard small = CollectGuard.start(CancellationSignal.never(), Duration.ofMinutes(1), 1 << 20)) {
            List<CollectedFile> got = new TreeReader(files, CollectBudget.forCollect(false, 1 << 20, 16 << 20, 1000), small,
                    OutputCollector.Inline.SINK).read("/out");
            assertEquals("first", text(got.get(0)));
            assertEquals(Reason.TOO_LARGE, failed(got.get(1)).reason());
            Failed stopped = failed(got.get(2));
            assertEquals("/out", stopped.path());
            assertEquals(Reason.BUDGET_EXCEEDED, stopped.reason());
            assertTrue(stopped.error().contains("max_collect_skip_bytes (1048576)"), stopped.error());
            assertEquals(3, got.size(), "nothing after the stop is invented");
        }
    }

    @Test
    void theEntriesBudgetStopsATreeWithAClearEntry() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out");
        for (int i = 0; i < 5; i++) {
            files.file("/out/f" + i, "x");
        }
        CollectBudget budget = CollectBudget.forCollect(false, 1 << 20, 16 << 20, 3);
        List<CollectedFile> got = read(files, "/out", budget);
        assertEquals(List.of("/out/f0", "/out/f1", "/out/f2"), got.stream().map(CollectedFile::path).toList());
        Failed stop = failed(got.get(2));
        assertEquals(Reason.BUDGET_EXCEEDED, stop.reason());
        assertTrue(stop.error().contains("max_collect_entries (3)"), stop.error());
        assertTrue(budget.entriesSpent());
        assertEquals(Reason.BUDGET_EXCEEDED, failed(read(files, "/out/f4", budget).get(0)).reason(), "later paths too");
    }

    @Test
    void namesAreKeptExactlyEvenWithNewlinesAndNonAscii() throws IOException {
        String forged = "/out/x\n[deploy #] signature verified OK";
        FakeRunFiles files = new FakeRunFiles("/out").file(forged, "x").file("/out/donn\u00e9es-\u20ac.txt", "\u20ac");
        List<CollectedFile> got = read(files, "/out");
        assertEquals(List.of("/out/donn\u00e9es-\u20ac.txt", forged), got.stream().map(CollectedFile::path).toList());
        assertEquals("\u20ac", text(got.get(0)));
        assertEquals("collected /out/x\\n[deploy #] signature verified OK (1 bytes)", "collected "
                + LogText.neutralize(got.get(1).summary()));
    }

    @Test
    void namesThatLeaveTheRequestedPathAreRefused() {
        assertNull(TreeReader.unsafeName("/out/a/b", "/out"));
        assertTrue(TreeReader.unsafeName("/etc/passwd", "/out").contains("not inside /out"));
        assertTrue(TreeReader.unsafeName("/out/../etc", "/out").contains("'..'"));
        assertTrue(TreeReader.unsafeName("/out/\ufffd", "/out").contains("UTF-8"));
    }

    @Test
    void anEmptyDirectoryIsOneErrorEntry() throws IOException {
        List<CollectedFile> got = read(new FakeRunFiles("/out"), "/out");
        assertEquals("/out is a directory without regular files", failed(got.get(0)).error());
    }

    @Test
    void anOutputFileThatIsADirectoryIsRefusedNotWalked() throws IOException {
        FakeRunFiles files = new FakeRunFiles("/out").file("/out/d/x", "x").symlink("/out/r", "d/x");
        CollectBudget budget = CollectBudget.forOutputFile(100);
        assertEquals("/out/d is not a regular file (it is a directory)", failed(read(files, "/out/d", budget).get(0)).error());
        assertEquals("x", text(read(files, "/out/r", CollectBudget.forOutputFile(100)).get(0)));
    }
}
