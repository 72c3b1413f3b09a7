package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit destination is checked when the app is configured (exit 2 through an engine): every
 * destination that cannot take a line is refused naming {@code audit_log}. A read-only and a full
 * file system are in {@code AuditIT} (they need a mount).
 */
class AuditDestinationTest {

    @TempDir
    Path dir;

    private static InvalidConfigurationException refused(String auditLog) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new ContainerRunnerApp().configure(Map.of("audit_log", auditLog)), auditLog);
        assertEquals("audit_log", e.key());
        assertTrue(e.getMessage().contains("key 'audit_log' ('" + auditLog + "') cannot be used: it "), e.getMessage());
        return e;
    }

    private static void assertSays(InvalidConfigurationException e, String words) {
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void devicesAreRefused() throws IOException {
        assertSays(refused("/dev/full"), "is a character device, not a regular file");
        assertSays(refused("/dev/null"), "is a character device, not a regular file");
        Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), Path.of("/dev/full"));
        assertSays(refused(link.toString()), "is a character device");
    }

    /** They may resolve to a regular file (stdout redirected to one) but are no file of the audit log's own. */
    @Test
    void processAndKernelPseudoFilesAreRefused() {
        assertSays(refused("/dev/stdout"), "is under /dev/stdout, a process or kernel pseudo-file");
        assertSays(refused("/dev/stderr"), "is under /dev/stderr, a process or kernel pseudo-file");
        assertSays(refused("/proc/self/fd/1"), "is under /proc, a process or kernel pseudo-file");
        assertSays(refused("/dev/fd/2"), "is under /dev/fd, a process or kernel pseudo-file");
        assertSays(refused("/sys/kernel/audit.jsonl"), "is under /sys, a process or kernel pseudo-file");
        assertSays(refused("/tmp/../proc/audit.jsonl"), "is under /proc");
    }

    @Test
    void aDirectoryIsRefused() {
        assertSays(refused(dir.toString()), "is a directory, not a regular file");
    }

    @Test
    void aFifoIsRefused() throws Exception {
        Path fifo = dir.resolve("audit.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertSays(refused(fifo.toString()), "is a FIFO, not a regular file");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertSays(refused(file.resolve("logs/audit.jsonl").toString()), "cannot have its directory " + file.resolve("logs")
                + " created: Not a directory");
    }

    /** Read-only by its mode; for root, which ignores modes, also immutable ({@code chattr +i}). */
    @Test
    void aReadOnlyFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("audit.jsonl"), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        boolean immutable = Files.isWritable(file);
        if (immutable) {
            assertEquals(0, new ProcessBuilder("chattr", "+i", file.toString()).inheritIO().start().waitFor(), "chattr +i");
        }
        try {
            InvalidConfigurationException e = refused(file.toString());
            assertSays(e, "cannot be opened for appending: ");
            assertSays(e, immutable ? "Operation not permitted" : "permission denied");
        } finally {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", file.toString()).inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void aFileThatCanBeMadeIsMadeWithItsDirectories() throws IOException {
        Path file = dir.resolve("var/log/container-runner/audit.jsonl");
        ContainerRunnerApp app = new ContainerRunnerApp();
        app.configure(Map.of("audit_log", file.toString(), "audit_start_lines", true));
        assertTrue(app.auditLog().startLines());
        assertEquals(List.of(), Files.readAllLines(file), "created empty: the check writes nothing");
        app.close();
    }

    @Test
    void startLinesAreABoolean() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new ContainerRunnerApp().configure(Map.of("audit_start_lines", "yes")));
        assertEquals("audit_start_lines", e.key());
    }
}
