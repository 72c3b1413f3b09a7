package dev.containerrunner.plugin.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {

    @TempDir
    Path dir;

    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theCheckCreatesTheDirectoriesAndTheFileAndWritesNothing() throws IOException {
        Path file = dir.resolve("a/b/audit.jsonl");
        new AuditFile(file).check();
        assertTrue(Files.isRegularFile(file));
        assertEquals(0, Files.size(file));
    }

    @Test
    void aFileRemovedOrRotatedAwayIsCreatedAnewForTheNextLine() throws IOException {
        Path file = dir.resolve("logs/audit.jsonl");
        AuditFile audit = new AuditFile(file);
        audit.append(line("{\"n\":1}"));
        Files.move(file, dir.resolve("logs/audit.jsonl.1"));
        audit.append(line("{\"n\":2}"));
        assertEquals(List.of("{\"n\":2}"), Files.readAllLines(file), "not written to the rotated file's inode");
        Files.delete(file);
        Files.delete(dir.resolve("logs/audit.jsonl.1"));
        Files.delete(dir.resolve("logs"));
        audit.append(line("{\"n\":3}"));
        assertEquals(List.of("{\"n\":3}"), Files.readAllLines(file));
    }

    /** A file system that fills up in the middle of a line: the fragment stays on a line of its own. */
    @Test
    void aLineCutShortNeverSpoilsTheNextOne() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        AtomicInteger opens = new AtomicInteger();
        AuditFile audit = new AuditFile(file, p -> {
            FileChannel real = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            return opens.incrementAndGet() == 2 ? new FullAfter(real, 5) : real;
        });
        audit.append(line("{\"n\":1}"));
        IOException full = assertThrows(IOException.class, () -> audit.append(line("{\"n\":2,\"long\":true}")));
        assertEquals("No space left on device", full.getMessage());
        audit.append(line("{\"n\":3}"));
        audit.append(line("{\"n\":4}"));
        assertEquals(List.of("{\"n\":1}", "{\"n\":", "{\"n\":3}", "{\"n\":4}"), Files.readAllLines(file));
    }

    @Test
    void reasonsAreTheSystemsWordsWithoutThePath() {
        assertEquals("permission denied", AuditFile.reason(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("Read-only file system", AuditFile.reason(new java.nio.file.FileSystemException("/x", null, "Read-only file system")));
        assertEquals("/x exists and is not a directory", AuditFile.reason(new java.nio.file.FileAlreadyExistsException("/x")));
        assertEquals("No space left on device", AuditFile.reason(new IOException("No space left on device")));
    }

    /** Writes {@code room} bytes, then fails as a full file system does. */
    private static final class FullAfter implements WritableByteChannel {
        private final FileChannel real;
        private int room;

        FullAfter(FileChannel real, int room) {
            this.real = real;
            this.room = room;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (room == 0) {
                throw new IOException("No space left on device");
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + Math.min(room, part.remaining()));
            int n = real.write(part);
            src.position(src.position() + n);
            room -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return real.isOpen();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }
}
