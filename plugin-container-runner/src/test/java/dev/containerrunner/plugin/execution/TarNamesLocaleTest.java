package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Archive names survive a JVM whose default charset is ASCII (LANG unset: cron, systemd, minimal
 * CI): {@link TarNamesProbe} runs in a child JVM with {@code -Dfile.encoding=ANSI_X3.4-1968} and an
 * empty locale.
 */
class TarNamesLocaleTest {

    @Test
    void nonAsciiNamesRoundTripUnderAnAsciiDefaultCharset() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfile.encoding=ANSI_X3.4-1968", "-cp", System.getProperty("java.class.path"), TarNamesProbe.class.getName());
        pb.environment().remove("LANG");
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> lines = new java.util.HashMap<>();
        for (String line : out.strip().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                lines.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "|" + b);
            }
        }
        assertEquals("US-ASCII", lines.get("default"), "the child really has an ASCII default charset: " + out);
        assertEquals(List.of("in", "in/donn\\u00e9es-\\u20ac.txt"), List.of(lines.get("ours").split("\\|")),
                "written and read as UTF-8: " + out);
        assertNotEquals("in/donn\\u00e9es-\\u20ac.txt", lines.get("library-default"),
                "without an explicit charset the library mangles the name (the bug this guards against): " + out);
    }
}
