package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a child JVM on a real pseudo-terminal (util-linux {@code script}) and without one: each
 * stream is detected on its own. A terminal on stderr gets the status line updated in place and the
 * summary table while stdout, redirected to a file, still gets the exact JSON document; no terminal
 * gets plain lines without a single control sequence; a terminal on stdout gets tables.
 */
class WorkflowCliTerminalTest {

    static final String ERASE = "\r\u001b[K";

    @TempDir
    Path dir;

    record Child(int code, String terminal, String stdoutFile, String stderrFile) {
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = WorkflowCliTerminalTest.class.getResourceAsStream("/cli-golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path workflow() throws IOException {
        return Files.writeString(dir.resolve("small.yaml"), golden("small-workflow.yaml"));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private String cliCommand(List<String> args) {
        List<String> words = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkflowCli.class.getName()));
        words.addAll(args);
        return words.stream().map(WorkflowCliTerminalTest::quote).collect(Collectors.joining(" "));
    }

    /**
     * Runs the CLI through {@code sh -c SHELL}, where {@code SHELL} is {@code prefix}, the CLI's
     * command line and {@code redirects}; inside {@code script} when {@code pty}. What the terminal
     * showed (script's output) and the redirected files come back.
     */
    private Child run(boolean pty, Map<String, String> env, String prefix, String redirects, String... args)
            throws IOException, InterruptedException {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        String shell = prefix + cliCommand(List.of(args)) + " " + redirects.replace("OUT", quote(out.toString()))
                .replace("ERR", quote(err.toString()));
        Path screen = dir.resolve("screen.txt");
        List<String> command = pty ? List.of("script", "-qfec", shell, "/dev/null") : List.of("sh", "-c", shell);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(screen.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.equals("WORKFLOW_PLUGINS") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("COLUMNS"));
        pb.environment().put("TERM", "xterm");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the CLI did not finish");
        return new Child(p.exitValue(), Files.readString(screen, StandardCharsets.UTF_8),
                Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : null,
                Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : null);
    }

    private static String masked(String json) {
        return json.replaceAll("\"run_id\" : \"[0-9a-f-]{36}\"", "\"run_id\" : \"RUN_ID\"")
                .replaceAll("\"duration_seconds\" : [0-9.]+", "\"duration_seconds\" : DURATION");
    }

    @Test
    void onATerminalStderrShowsAStatusLineInPlaceAndASummaryWhileStdoutStaysJson() throws Exception {
        Child c = run(true, Map.of(), "stty cols 72 rows 24; ", "> OUT", "run", workflow().toString());
        assertEquals(1, c.code(), c.terminal());
        assertEquals(golden("testkit-run.json"), masked(c.stdoutFile()), "stdout, a file, is the exact JSON document");
        String screen = c.terminal().replace("\r\n", "\n"); // the terminal's output processing turns \n into \r\n
        assertTrue(screen.startsWith("[00:00] 0/4 done, 0 running, 0 failed, 0 skipped" + ERASE), screen);
        assertTrue(screen.contains(ERASE + "[00:0"), "the status line is redrawn in place: " + screen);
        assertTrue(screen.matches("(?s).*\\[00:0\\d] \\d/4 done, [12] running, \\d failed, \\d skipped; running: \\w+ 00:0.*"),
                "it names the running tasks: " + screen);
        assertTrue(screen.contains(ERASE + "[hello] echo hi\n"), "a task line takes the status line's place: " + screen);
        for (String status : screen.split("\r\u001b\\[K|\n")) {
            if (status.startsWith("[00:")) {
                assertTrue(status.length() <= 71, "the status line is cut to the terminal's 72 columns: '" + status + "'");
            }
        }
        String summary = screen.substring(screen.lastIndexOf(ERASE) + ERASE.length());
        assertTrue(summary.startsWith("workflow: small 1.0.0 failed in 00:0"), "the status is erased before the summary: " + screen);
        assertTrue(summary.contains("\nTASK    STATUS     DURATION  EXIT CODE  REASON\n"), summary);
        assertTrue(summary.contains("\nbroken  failed     "), summary);
        assertTrue(summary.endsWith("\nafter   skipped    -                    dependency 'broken' did not succeed\n"), summary);
    }

    @Test
    void withoutATerminalStderrHasPlainLinesAndNoControlSequence() throws Exception {
        Child c = run(false, Map.of(), "", "> OUT 2> ERR", "run", workflow().toString());
        assertEquals(1, c.code(), c.terminal() + c.stderrFile());
        assertEquals(golden("testkit-run.json"), masked(c.stdoutFile()));
        String err = c.stderrFile();
        assertFalse(err.contains("\u001b") || err.contains("\r"), err);
        assertTrue(err.contains("workflow: hello started ["), err);
        assertTrue(err.contains("\nTASK    STATUS     DURATION  EXIT CODE  REASON\n"), err);
        assertEquals("", c.terminal());
    }

    @Test
    void aDumbTerminalGetsPlainLinesToo() throws Exception {
        Child c = run(true, Map.of("TERM", "dumb"), "", "> OUT", "run", workflow().toString());
        assertEquals(1, c.code(), c.terminal());
        assertFalse(c.terminal().contains("\u001b"), c.terminal());
        assertTrue(c.terminal().contains("workflow: hello started ["), c.terminal());
    }

    @Test
    void stdoutInAPipeGetsJsonWhileStderrIsATerminal() throws Exception {
        Child json = run(true, Map.of(), "", "| cat > OUT", "apps");
        assertEquals(golden("testkit-apps.json"), json.stdoutFile(), "stdout in a pipe: the JSON document as before");
        assertEquals("", json.terminal());
    }

    @Test
    void onATerminalAppsAndValidatePrintTablesAndHelpExitsZero() throws Exception {
        Child apps = run(true, Map.of(), "", "", "apps");
        assertEquals(0, apps.code());
        String table = apps.terminal().replace("\r\n", "\n");
        assertTrue(table.startsWith("platform.testkit 1.0  (classpath)\n"), table);
        assertTrue(table.contains("\n    count      integer  1         a number\n"), table);
        Child validate = run(true, Map.of(), "", "", "validate", workflow().toString());
        assertEquals(0, validate.code());
        assertTrue(validate.terminal().startsWith("workflow small 1.0.0: valid, 4 tasks\r\nTASK    FUNCTION"), validate.terminal());
        Child json = run(true, Map.of(), "", "", "apps", "--format", "json");
        assertEquals(golden("testkit-apps.json"), json.terminal().replace("\r\n", "\n"), "--format json on a terminal");
        Child help = run(true, Map.of(), "", "", "run", "--help");
        assertEquals(0, help.code());
        assertTrue(help.terminal().startsWith("workflow run - validate a workflow, then run it"), help.terminal());
    }

    @Test
    void onATerminalNothingFromTheWorkflowOrATaskWritesAControlSequence() throws Exception {
        String hostile = WorkflowCliNeutralisationTest.HOSTILE_JSON;
        Path wf = Files.writeString(dir.resolve("hostile.json"), "{\"name\": \"w" + hostile + "\", \"tasks\": ["
                + "{\"task_id\": \"echoes\", \"function\": \"apps.platform.testkit.echo\", \"kwargs\": {\"value\": \""
                + hostile + "\"}},"
                + "{\"task_id\": \"refuses\", \"function\": \"apps.platform.testkit.boom\", \"kwargs\":"
                + " {\"failure_reason\": \"r" + hostile + "\"}}]}");
        Child c = run(true, Map.of(), "stty cols 200 rows 24; ", "> OUT", "run", wf.toString());
        assertEquals(1, c.code(), c.terminal());
        // the status line's own erase is the only control sequence; the terminal turns \n into \r\n
        String screen = c.terminal().replace(ERASE, "").replace("\r\n", "\n");
        for (char ch : screen.toCharArray()) {
            assertTrue(ch == '\n' || !dev.containerrunner.engine.HumanText.unsafe(ch),
                    String.format("U+%04X on the terminal: %s", (int) ch, screen));
        }
        assertTrue(screen.contains("[echoes] echo x\\x1b[2K\\r[a #] container exited 0"), screen);
        assertTrue(screen.contains("workflow: wx\\x1b[2K\\r[a #]"), screen);
        Child invalid = run(true, Map.of(), "", "> OUT", "validate", Files.writeString(dir.resolve("bad.json"),
                "{\"tasks\": [{\"task_id\": \"t\", \"function\": \"apps.platform.testkit.echo\", \"kwargs\": {\"value\": 1, \""
                + hostile + "\": 2}}]}").toString());
        assertEquals(2, invalid.code(), invalid.terminal());
        String message = invalid.terminal().replace("\r\n", "\n");
        assertTrue(message.startsWith("workflow: invalid: ") && message.indexOf('\n') == message.length() - 1, message);
        assertFalse(message.chars().anyMatch(ch -> ch != '\n' && dev.containerrunner.engine.HumanText.unsafe((char) ch)), message);
    }
}
