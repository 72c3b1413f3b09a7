package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, --version, --format table and the progress modes, in process (stdout and stderr are no terminals). */
class WorkflowCliHumanTest {

    static final String ESC = "\u001b";

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

    private Path workflow() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/cli-golden/small-workflow.yaml")) {
            return Files.write(dir.resolve("small.yaml"), in.readAllBytes());
        }
    }

    @Test
    void helpOnTheToolAndEachCommandExitsZeroOnStdout() {
        for (String[] c : new String[][] {
            {"workflow - run container_runner workflows", "--help"},
            {"workflow - run container_runner workflows", "-h"},
            {"workflow - run container_runner workflows", "frobnicate", "--help"},
            {"workflow run - validate a workflow, then run it", "run", "--help"},
            {"workflow run - validate a workflow, then run it", "run", "some.yaml", "--config", "c.yaml", "-h"},
            {"workflow validate - check a workflow without running anything", "validate", "-h"},
            {"workflow apps - list the installed apps", "apps", "--help"},
        }) {
            Outcome o = cli(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(0, o.code(), List.of(c).toString());
            assertTrue(o.stdout().startsWith(c[0]), o.stdout());
            assertTrue(o.stdout().contains("-h, --help"), o.stdout());
            assertEquals("", o.stderr());
        }
        assertTrue(cli("--help").stdout().contains("--version"));
        assertTrue(cli("run", "--help").stdout().contains("--progress MODE"));
        assertTrue(cli("apps", "--help").stdout().contains("--format FORMAT"));
    }

    @Test
    void versionNamesTheEngineAndEveryInstalledApp() {
        Outcome o = cli("--version");
        assertEquals(0, o.code(), o.stderr());
        String[] lines = o.stdout().split("\n");
        assertTrue(lines[0].matches("workflow \\(reference engine\\) \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, Java .+"), lines[0]);
        assertEquals("app platform.testkit 1.0 (classpath)", lines[1]);
        assertEquals(2, lines.length, o.stdout());
    }

    @Test
    void appsAsATableShowsActionsParametersTypesDefaultsAndDocs() {
        Outcome o = cli("apps", "--format", "table");
        assertEquals(0, o.code(), o.stderr());
        String t = o.stdout();
        assertTrue(t.startsWith("platform.testkit 1.0  (classpath)\n"), t);
        assertTrue(t.contains("\n  apps.platform.testkit.echo\n    returns its value\n"), t);
        assertTrue(t.contains("\n    PARAMETER  TYPE     DEFAULT   DOC\n"), t);
        assertTrue(t.contains("\n    value      any      required  anything\n"), t);
        assertTrue(t.contains("\n    count      integer  1         a number\n"), t);
        assertTrue(t.contains("\n  apps.platform.testkit.fail\n    reports failure\n    (no parameters)\n"), t);
        assertFalse(t.contains("{"), "no JSON: " + t);
        assertEquals(cli("apps").stdout(), cli("apps", "--format", "json").stdout(), "json is the default off a terminal");
    }

    @Test
    void validateAsATableShowsEachTaskAndItsDependencies() throws IOException {
        Outcome o = cli("validate", workflow().toString(), "--format", "table");
        assertEquals(0, o.code(), o.stderr());
        assertEquals("""
                workflow small 1.0.0: valid, 4 tasks
                TASK    FUNCTION                    RESULT KEY  DEPENDS ON
                hello   apps.platform.testkit.echo  greeting    -
                broken  apps.platform.testkit.boom  broken      -
                again   apps.platform.testkit.echo  again       hello
                after   apps.platform.testkit.echo  -           broken
                """, o.stdout());
        String wf = workflow().toString();
        assertEquals(cli("validate", wf).stdout(), cli("validate", wf, "--format", "json").stdout());
    }

    @Test
    void badValuesOfTheNewOptionsAreUsageErrors() throws IOException {
        String wf = workflow().toString();
        String[][] cases = {
            {"--format 'xml' is not one of: table, json", "apps", "--format", "xml"},
            {"--format 'TABLE' is not one of: table, json", "validate", wf, "--format", "TABLE"},
            {"--format needs a value", "apps", "--format"},
            {"--format is given twice", "apps", "--format", "json", "--format", "json"},
            {"unknown option '--format'; options: --config CONFIG, --plugins DIR, --progress auto|tty|plain|none, -h/--help",
                "run", wf, "--format", "table"},
            {"--progress 'fancy' is not one of: auto, tty, plain, none", "run", wf, "--progress", "fancy"},
            {"--progress is given twice", "run", wf, "--progress", "tty", "--progress", "plain"},
            {"unknown option '--progress'; options: --config CONFIG, --plugins DIR, --format table|json, -h/--help",
                "apps", "--progress", "tty"},
            {"unexpected argument 'x': '--version' takes no FILE", "--version", "x"},
            {"unknown option '--format'", "--version", "--format", "json"},
            {"unknown command 'version'", "version"},
        };
        for (String[] c : cases) {
            Outcome o = cli(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, o.code(), List.of(c).toString());
            assertTrue(o.stdout().startsWith("{\n  \"status\" : \"invalid\",\n  \"error\" : \"" + c[0]), o.stdout());
            assertTrue(o.stderr().contains(c[0]) && o.stderr().contains("usage:"), o.stderr());
        }
    }

    @Test
    void plainProgressIsTheDefaultOffATerminalWithoutControlSequences() throws IOException {
        String wf = workflow().toString();
        for (Outcome o : List.of(cli("run", wf), cli("run", wf, "--progress", "plain"))) {
            String e = o.stderr();
            assertFalse(e.contains(ESC) || e.contains("\r"), e);
            assertTrue(e.contains("workflow: hello started ["), e);
            assertTrue(e.contains("workflow: broken failed in "), e);
            assertTrue(e.matches("(?s).*: boom: exploded \\[\\d/4 done, \\d running, 1 failed, 0 skipped, 00:0\\d]\n.*"), e);
            assertTrue(e.contains("workflow: after skipped: dependency 'broken' did not succeed ["), e);
            assertTrue(e.contains("[hello] echo hi\n"), e);
            assertSummary(e.substring(e.indexOf("workflow: small 1.0.0 failed in ")));
        }
    }

    @Test
    void noProgressLeavesOnlyTheTasksOwnLines() throws IOException {
        Outcome o = cli("run", workflow().toString(), "--progress", "none");
        assertEquals("[hello] echo hi\n[again] echo hi\n", o.stderr());
    }

    @Test
    void ttyProgressDrawsOneStatusLineInPlaceAndErasesItBeforeTheSummary() throws IOException {
        Outcome o = cli("run", workflow().toString(), "--progress", "tty");
        assertEquals(1, o.code());
        String e = o.stderr();
        assertTrue(e.contains("\r" + ESC + "[K"), e);
        assertTrue(e.matches("(?s)\\[00:0\\d] \\d/4 done, \\d running, \\d failed, \\d skipped.*"), "starts with the status: " + e);
        assertTrue(e.contains("\r" + ESC + "[K[hello] echo hi\n["), "a task line erases the status, which comes back below it: " + e);
        String summary = e.substring(e.lastIndexOf(ESC + "[K") + 3);
        assertTrue(summary.startsWith("workflow: small 1.0.0 failed in 00:0"), "the status is erased before the summary: " + e);
        assertFalse(summary.contains(ESC) || summary.contains("\r"), summary);
        assertSummary(summary);
    }

    private static void assertSummary(String s) {
        assertTrue(s.startsWith("workflow: small 1.0.0 failed in 00:0"), s);
        assertTrue(s.contains(": 2 succeeded, 1 failed, 1 skipped of 4\n"
                + "TASK    STATUS     DURATION  EXIT CODE  REASON\n"), s);
        assertTrue(s.matches("(?s).*\nhello   succeeded  \\d\\.\\d\\ds\n.*"), s);
        assertTrue(s.matches("(?s).*\nbroken  failed     \\d\\.\\d\\ds                boom: exploded\n.*"), s);
        assertTrue(s.matches("(?s).*\nagain   succeeded  \\d\\.\\d\\ds\n.*"), s);
        assertTrue(s.endsWith("\nafter   skipped    -                    dependency 'broken' did not succeed\n"), s);
    }
}
