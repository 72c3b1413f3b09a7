package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What scripts read stays byte for byte what it was before the CLI learnt tables, help and progress:
 * stdout of {@code apps}, {@code validate} and {@code run} when stdout is not a terminal and no
 * {@code --format} is given, and of a usage error. The golden files in {@code cli-golden/} were
 * captured from the CLI before that change ({@code run}'s run_id and durations masked).
 */
class WorkflowCliGoldenTest {

    @TempDir
    Path dir;

    record Out(int code, String stdout) {
    }

    private Out cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new WorkflowCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).execute(args);
        return new Out(code, out.toString(StandardCharsets.UTF_8));
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = WorkflowCliGoldenTest.class.getResourceAsStream("/cli-golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path workflow() throws IOException {
        return Files.writeString(dir.resolve("small.yaml"), golden("small-workflow.yaml"));
    }

    @Test
    void appsIsUnchanged() throws IOException {
        Out o = cli("apps");
        assertEquals(0, o.code());
        assertEquals(golden("testkit-apps.json"), o.stdout());
    }

    @Test
    void validateIsUnchanged() throws IOException {
        Out o = cli("validate", workflow().toString());
        assertEquals(0, o.code());
        assertEquals(golden("testkit-validate.json"), o.stdout());
    }

    @Test
    void runIsUnchangedWhateverTheProgressMode() throws IOException {
        Path wf = workflow();
        for (String[] args : new String[][] {
            {"run", wf.toString()},
            {"run", wf.toString(), "--progress", "tty"},
            {"run", wf.toString(), "--progress", "plain"},
            {"run", wf.toString(), "--progress", "none"},
        }) {
            Out o = cli(args);
            assertEquals(1, o.code(), "a task of the golden workflow fails on purpose");
            String masked = o.stdout().replaceAll("\"run_id\" : \"[0-9a-f-]{36}\"", "\"run_id\" : \"RUN_ID\"")
                    .replaceAll("\"duration_seconds\" : [0-9.]+", "\"duration_seconds\" : DURATION");
            assertEquals(golden("testkit-run.json"), masked, String.join(" ", args));
        }
    }

    @Test
    void aUsageErrorIsUnchanged() throws IOException {
        Out o = cli("run");
        assertEquals(2, o.code());
        assertEquals(golden("usage.json"), o.stdout());
    }
}
