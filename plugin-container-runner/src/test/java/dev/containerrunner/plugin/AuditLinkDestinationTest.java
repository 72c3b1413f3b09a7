package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 re-run, finding 3: an {@code audit_log} reached through symbolic links is judged where
 * it leads — never into {@code /proc}, {@code /sys} or {@code /dev}, never the file that is the
 * process's stdout or stderr — and refused at start naming {@code audit_log} and why.
 */
class AuditLinkDestinationTest {

    @TempDir
    Path dir;

    private static InvalidConfigurationException refused(Path auditLog) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new ContainerRunnerApp().configure(Map.of("audit_log", auditLog.toString())), auditLog.toString());
        assertEquals("audit_log", e.key());
        assertTrue(e.getMessage().contains("key 'audit_log' ('" + auditLog + "') cannot be used: it "), e.getMessage());
        return e;
    }

    private static void assertSays(InvalidConfigurationException e, String words) {
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void linksToTheProcessStreamsAreRefused() throws IOException {
        // here stdout is surefire's pipe (a FIFO, refused as such); run with stdout in a file below
        refused(Files.createSymbolicLink(dir.resolve("fd1.jsonl"), Path.of("/proc/self/fd/1")));
        refused(Files.createSymbolicLink(dir.resolve("stdout.jsonl"), Path.of("/dev/stdout")));
        refused(Files.createSymbolicLink(dir.resolve("stderr.jsonl"), Path.of("/dev/stderr")));
    }

    @Test
    void aRegularFileUnderDevReachedByALinkChainIsRefused() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            return;
        }
        Path target = Files.createTempFile(shm, "audit-", ".jsonl");
        try {
            Path middle = Files.createSymbolicLink(dir.resolve("middle"), target);
            Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), Path.of("middle"));
            InvalidConfigurationException e = refused(link);
            assertSays(e, "resolves through symbolic links to " + target + ", under /dev: a kernel or device file");
            assertTrue(Files.isSymbolicLink(middle));
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @Test
    void aDirectoryLinkIntoProcIsFollowed() throws IOException {
        Path fds = Files.createSymbolicLink(dir.resolve("fds"), Path.of("/proc/self/fd"));
        refused(fds.resolve("1")); // a FIFO here
        assertSays(refused(fds.resolve("no-such-fd")), "resolves through symbolic links to /proc/");
        Path sys = Files.createSymbolicLink(dir.resolve("kernel"), Path.of("/sys/kernel"));
        assertSays(refused(sys.resolve("audit.jsonl")), "resolves through symbolic links to /sys/kernel/audit.jsonl, under /sys");
    }

    @Test
    void aDanglingLinkIsJudgedWhereItWouldCreateTheFile() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), Path.of("/dev/shm/no-such-dir/audit.jsonl"));
        assertSays(refused(link), "resolves through symbolic links to /dev/shm/no-such-dir/audit.jsonl, under /dev");
        assertTrue(Files.notExists(Path.of("/dev/shm/no-such-dir")), "no directory is made on the way");
        Path missing = Files.createSymbolicLink(dir.resolve("logs"), Path.of("/proc/no-such-dir"));
        assertSays(refused(missing.resolve("deeper/audit.jsonl")), "under /proc");
    }

    @Test
    void aLinkLoopIsRefused() throws IOException {
        Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
        Path b = Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
        assertSays(refused(b), "symbolic links");
    }

    @Test
    void anOrdinaryLinkToAFileIsStillAccepted() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), real.resolve("audit.jsonl"));
        ContainerRunnerApp app = new ContainerRunnerApp();
        app.configure(Map.of("audit_log", link.toString()));
        assertTrue(Files.isRegularFile(real.resolve("audit.jsonl")));
        app.close();
    }

    /**
     * The attack: {@code bin/workflow ... > out.json} with audit_log a link to /proc/self/fd/1 (or
     * /dev/stdout), or out.json itself. Run in a process whose stdout is that regular file.
     */
    @Test
    void theFileStdoutIsRedirectedToIsRefusedHoweverItIsNamed() throws Exception {
        Path out = Files.createFile(dir.resolve("out.json"));
        Path err = Files.createFile(dir.resolve("err.txt"));
        Path fd1 = Files.createSymbolicLink(dir.resolve("al-fd1.jsonl"), Path.of("/proc/self/fd/1"));
        Path devStdout = Files.createSymbolicLink(dir.resolve("al-stdout.jsonl"), Path.of("/dev/stdout"));
        Path hard = dir.resolve("hard-link.json");
        Files.createLink(hard, out);
        for (Path auditLog : List.of(fd1, devStdout, out, hard, err)) {
            String[] result = probe(auditLog, out, err);
            assertEquals("2", result[0], auditLog + ": " + result[1]);
            assertTrue(result[1].contains("key 'audit_log'"), result[1]);
            assertTrue(result[1].contains(auditLog.equals(err) ? "the same file as this process's stderr"
                    : auditLog.equals(out) || auditLog.equals(hard) ? "the same file as this process's stdout"
                    : auditLog.equals(fd1) ? "under /proc: a kernel or device file" : "to /dev/stdout, under /dev"),
                    auditLog + ": " + result[1]);
        }
        assertEquals(0, Files.size(out), "nothing was written to stdout's file");
        String[] fine = probe(dir.resolve("audit.jsonl"), out, dir.resolve("err2.txt"));
        assertEquals("0", fine[0], fine[1]);
    }

    private static String[] probe(Path auditLog, Path stdout, Path stderr) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), AuditCheckProbe.class.getName(), auditLog.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
        return new String[] {Integer.toString(p.exitValue()), Files.readString(stderr, StandardCharsets.UTF_8)};
    }
}
