package dev.containerrunner.plugin.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    /** Child JVM: writes two lines, then dies without any shutdown (like a crash or SIGKILL). */
    public static void main(String[] args) {
        AuditLog log = new AuditLog(Optional.of(Path.of(args[0])));
        log.write(AuditRecord.attempt("run", "run_container", "wf", "r1", "t1").outcome(AuditRecord.Outcome.SUCCEEDED, null));
        log.write(AuditRecord.attempt("run", "run_container", "wf", "r1", "t2").outcome(AuditRecord.Outcome.DENIED, "no"));
        Runtime.getRuntime().halt(137);
    }

    @Test
    void linesSurviveTheJvmDyingRightAfterAndAppendAcrossRestarts() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        for (int run = 0; run < 2; run++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AuditLogTest.class.getName(), file.toString())
                    .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "child.out")).start();
            assertEquals(137, p.waitFor());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).contains("\"outcome\":\"denied\"") && lines.get(1).contains("\"reason\":\"no\""), lines.get(1));
        assertTrue(lines.get(3).startsWith("{\"timestamp\":"));
    }

    @Test
    void aLogWithAnAppVersionEndsEveryLineWithIt() throws Exception {
        Path file = dir.resolve("versioned.jsonl");
        try (AuditLog log = new AuditLog(Optional.of(file), "1.0.0")) {
            log.write(AuditRecord.attempt("run", "run_container", "wf", "r1", "t1").outcome(AuditRecord.Outcome.SUCCEEDED, null));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("{\"timestamp\":"), lines.get(0));
        assertTrue(lines.get(0).endsWith(",\"outcome\":\"succeeded\",\"reason\":null,\"app_version\":\"1.0.0\"}"), lines.get(0));
    }
}
