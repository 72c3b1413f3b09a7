package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.EntryKind;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keeper's listing: the script run by this machine's POSIX shell and tools on a real directory
 * (the cluster runs it with busybox, see KubernetesBehaviourIT), and the parser on exact bytes.
 */
class PodListingTest {

    @Test
    void batchesOfStatLinesAndNulTerminatedNamesAreParsed() throws IOException {
        byte[] listing = ("3\n4096 41ed 2 10\n6 81a4 2 11\n0 11a4 1 12\n./out\0./out/a\nb\0./out/p\0"
                + "1\n1 a1ff 1 13\n./out/s\0").getBytes(StandardCharsets.UTF_8);
        List<PodListing.Listed> got = new ArrayList<>();
        PodListing.read(new ByteArrayInputStream(listing), got::add);
        assertEquals(List.of(new PodListing.Listed("./out", EntryKind.DIRECTORY, 4096, 2, 10),
                new PodListing.Listed("./out/a\nb", EntryKind.REGULAR, 6, 2, 11),
                new PodListing.Listed("./out/p", EntryKind.FIFO, 0, 1, 12),
                new PodListing.Listed("./out/s", EntryKind.SYMLINK, 1, 1, 13)), got);
    }

    @Test
    void theReaderStopsWhenAskedAndRefusesMalformedListings() throws IOException {
        byte[] listing = "2\n1 81a4 1 1\n1 81a4 1 2\n./a\0./b\0".getBytes(StandardCharsets.UTF_8);
        List<PodListing.Listed> got = new ArrayList<>();
        PodListing.read(new ByteArrayInputStream(listing), l -> got.add(l) && false);
        assertEquals(1, got.size());
        assertThrows(IOException.class, () -> PodListing.read(new ByteArrayInputStream("2\n1 81a4 1 1\n".getBytes()), l -> true));
        assertThrows(IOException.class, () -> PodListing.read(new ByteArrayInputStream("x\n".getBytes()), l -> true));
        assertThrows(IOException.class, () -> PodListing.read(new ByteArrayInputStream("1\n1 zz 1 1\n./a\0".getBytes()),
                l -> true));
    }

    private static Process script(Path parent, String name, long limit, String mode) throws IOException {
        return new ProcessBuilder("sh", "-c", PodListing.SCRIPT, "sh", parent.toString(), name, String.valueOf(limit), mode).start();
    }

    @Test
    void theScriptListsEveryTypeWithoutReadingAndRefusesAParentThatIsALink(@TempDir Path tmp) throws Exception {
        Path dir = tmp.toRealPath();
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.writeString(out.resolve("a"), "hello\n");
        Files.createLink(out.resolve("b"), out.resolve("a"));
        Files.createSymbolicLink(out.resolve("s"), Path.of("a"));
        Files.writeString(out.resolve("we\nird \u20ac"), "x");
        assertEquals(0, new ProcessBuilder("mkfifo", out.resolve("p").toString()).start().waitFor());
        List<PodListing.Listed> got = new ArrayList<>();
        Process p = script(dir, "out", -1, "tree");
        BufferedInputStream in = new BufferedInputStream(p.getInputStream());
        assertEquals("TREE", PodListing.line(in, false));
        PodListing.read(in, got::add);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        got.sort((x, y) -> x.name().compareTo(y.name()));
        assertEquals(List.of("./out", "./out/a", "./out/b", "./out/p", "./out/s", "./out/we\nird \u20ac"),
                got.stream().map(PodListing.Listed::name).toList());
        assertEquals(List.of(EntryKind.DIRECTORY, EntryKind.REGULAR, EntryKind.REGULAR, EntryKind.FIFO, EntryKind.SYMLINK,
                EntryKind.REGULAR), got.stream().map(PodListing.Listed::kind).toList());
        assertEquals(6, got.get(1).size());
        assertEquals(got.get(1).inode(), got.get(2).inode(), "hard links share the inode");
        assertEquals(2, got.get(1).links());
        Files.createSymbolicLink(dir.resolve("link"), out);
        Process below = script(dir.resolve("link"), "a", -1, "one");
        assertTrue(below.waitFor(30, TimeUnit.SECONDS));
        assertEquals(PodListing.BELOW_A_LINK, below.exitValue());
        Process missing = script(out, "nope", -1, "one");
        assertTrue(missing.waitFor(30, TimeUnit.SECONDS));
        assertEquals(PodListing.MISSING, missing.exitValue());
    }

    @Test
    void aFileThatFitsIsListedAndReadInTheSameAnswerOneThatDoesNotIsOnlyListed(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectory(tmp.toRealPath().resolve("out"));
        Files.writeString(out.resolve("a"), "hello\n");
        Process fits = script(out, "a", 6, "tree");
        BufferedInputStream in = new BufferedInputStream(fits.getInputStream());
        assertEquals("FILE", PodListing.line(in, false));
        assertEquals(6, PodListing.readOne(in).size());
        assertEquals("TAR", PodListing.line(in, false));
        try (var tar = dev.containerrunner.plugin.execution.TarArchives.reader(in)) {
            assertEquals("./a", tar.getNextEntry().getName());
            assertEquals("hello\n", new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(fits.waitFor(30, TimeUnit.SECONDS));
        Process tooBig = script(out, "a", 5, "tree");
        BufferedInputStream big = new BufferedInputStream(tooBig.getInputStream());
        assertEquals("FILE", PodListing.line(big, false));
        assertEquals(6, PodListing.readOne(big).size());
        assertEquals("END", PodListing.line(big, false), "nothing of a file that does not fit is read");
        assertEquals(-1, big.read());
    }
}
