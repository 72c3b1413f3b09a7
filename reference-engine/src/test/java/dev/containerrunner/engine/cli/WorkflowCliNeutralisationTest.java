package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.engine.HumanText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the CLI prints for people carries a control character from a workflow, a configuration,
 * an app or a task (issue 14 findings 6 and 7): CLI errors, progress lines, the summary table,
 * task log lines, tables of {@code validate}; while the JSON on stdout keeps the text exact.
 */
class WorkflowCliNeutralisationTest {

    /** Everything an attacker used: CR, ESC sequences, OSC with BEL, CSI as C1, NEL, RLO, LRI, LS, PS, NUL, DEL. */
    static final String HOSTILE = "x\u001b[2K\r[a #] container exited 0: all checks passed\u001b]0;pwned\u0007"
            + "\u009b2K\u0085\u202e\u2066\u2028\u2029\u0000\u007f";
    static final String HOSTILE_JSON = "x\\u001b[2K\\r[a #] container exited 0: all checks passed\\u001b]0;pwned\\u0007"
            + "\\u009b2K\\u0085\\u202e\\u2066\\u2028\\u2029\\u0000\\u007f";

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @TempDir
    Path dir;

    record Outcome(int code, String stdout, String stderr) {
    }

    private Outcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new WorkflowCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).execute(args);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** No character of the rule on stderr but the line feeds ending its lines (and tabs of task lines). */
    private static void assertClean(String stderr) {
        for (String line : stderr.split("\n", -1)) {
            for (char c : line.toCharArray()) {
                assertTrue(c == '\t' || !HumanText.unsafe(c), String.format("U+%04X in: %s", (int) c, HumanText.line(line)));
            }
            assertTrue(!line.contains("\n[a #] container exited"), line);
        }
    }

    @Test
    void invalidWorkflowMessagesAreEscapedOnStderrAndExactInTheJson() throws IOException {
        Path wf = Files.writeString(dir.resolve("wf.json"), "{\"name\": \"n\", \"tasks\": [{\"task_id\": \"t\","
                + " \"function\": \"apps.platform.testkit.echo\", \"kwargs\": {\"value\": 1, \"" + HOSTILE_JSON + "\": 2}}]}");
        Outcome o = cli("validate", wf.toString());
        assertEquals(2, o.code(), o.stderr());
        assertClean(o.stderr());
        assertTrue(o.stderr().startsWith("workflow: invalid: "), o.stderr());
        assertTrue(o.stderr().contains("x\\x1b[2K\\r[a #] container exited 0: all checks passed\\x1b]0;pwned\\x07"
                + "\\x9b2K\\x85\\u202e\\u2066\\u2028\\u2029\\x00\\x7f"), o.stderr());
        assertEquals(1, o.stderr().split("\n").length, "one line: " + o.stderr());
        assertTrue(json(o.stdout()).get("error").asText().contains(HOSTILE), "the JSON document has the key exactly");
    }

    @Test
    void usageErrorsAreEscaped() throws IOException {
        Outcome o = cli("frob" + HOSTILE);
        assertEquals(2, o.code());
        assertClean(o.stderr());
        assertTrue(json(o.stdout()).get("error").asText().contains("frob" + HOSTILE), o.stdout());
    }

    @Test
    void progressLinesTaskLinesAndTheSummaryTableAreEscapedInEveryMode() throws IOException {
        Path wf = Files.writeString(dir.resolve("wf.json"), "{\"name\": \"w" + HOSTILE_JSON + "\", \"version\": \"1"
                + HOSTILE_JSON + "\", \"tasks\": ["
                + "{\"task_id\": \"echoes\", \"function\": \"apps.platform.testkit.echo\", \"result_key\": \"echoed\","
                + " \"kwargs\": {\"value\": \"v\\t"
                + HOSTILE_JSON + "\"}},"
                + "{\"task_id\": \"refuses\", \"function\": \"apps.platform.testkit.boom\", \"kwargs\": {\"failure_reason\": \"r"
                + HOSTILE_JSON + "\"}}]}");
        for (String mode : new String[] {"plain", "tty", "none"}) {
            Outcome o = cli("run", wf.toString(), "--progress", mode);
            assertEquals(1, o.code(), o.stderr());
            // in tty mode the status line's own erase sequence is the one control sequence written
            String stderr = o.stderr().replace("\r\u001b[K", "");
            assertClean(stderr);
            assertTrue(stderr.contains("[echoes] echo v\tx\\x1b[2K\\r[a #] container exited 0"), mode + ": " + stderr);
            if (!"none".equals(mode)) {
                assertTrue(stderr.contains("workflow: wx\\x1b[2K\\r[a #]"), mode + ": " + stderr);
                // a reason is wrapped text: its line breaks become spaces (TextTable.oneLine), the rest is escaped
                assertTrue(stderr.contains("rx\\x1b[2K [a #] container exited 0: all checks passed\\x1b]0;pwned\\x07"
                        + "\\x9b2K\\x85\\u202e\\u2066\\u2028\\u2029\\x00\\x7f"), mode + ": " + stderr);
            }
            assertTrue(json(o.stdout()).findValuesAsText("value").contains("v\t" + HOSTILE), "JSON exact: " + o.stdout());
            assertEquals("w" + HOSTILE, json(o.stdout()).get("workflow").asText());
            assertTrue(json(o.stdout()).findValuesAsText("error").contains("boom: refused: r" + HOSTILE), o.stdout());
        }
    }

    @Test
    void validateTablesAreEscaped() throws IOException {
        Path wf = Files.writeString(dir.resolve("wf.json"), "{\"name\": \"w" + HOSTILE_JSON + "\", \"tasks\": [{\"task_id\":"
                + " \"t\", \"function\": \"apps.platform.testkit.echo\", \"kwargs\": {\"value\": 1}}]}");
        Outcome o = cli("validate", wf.toString(), "--format", "table");
        assertEquals(0, o.code(), o.stderr());
        assertClean(o.stdout());
        assertTrue(o.stdout().startsWith("workflow wx\\x1b[2K\\r[a #]"), o.stdout());
    }

    @Test
    void whatOthersPrintToStderrIsEscapedToo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        WorkflowCli cli = new WorkflowCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        // the CLI's stderr stream is the one main() installs as System.err: a logger's line with raw controls
        cli.stderr().println("[main] WARN app: " + HOSTILE);
        assertClean(err.toString(StandardCharsets.UTF_8));
    }
}
