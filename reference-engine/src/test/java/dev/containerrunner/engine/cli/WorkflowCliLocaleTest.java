package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a child JVM with no locale at all (LANG, LC_* and LANGUAGE removed) and an ASCII
 * default charset, as on a bare server or in a container: non-ASCII text still reaches stdout and
 * stderr as UTF-8, and files are read as UTF-8.
 */
class WorkflowCliLocaleTest {

    static final String TEXT = "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \uD83C\uDF89";

    @TempDir
    Path dir;

    record Child(int code, String stdout, String stderr) {
    }

    private Child cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfile.encoding=ANSI_X3.4-1968", "-cp", System.getProperty("java.class.path"), WorkflowCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_")
                || k.equals("WORKFLOW_PLUGINS") || k.equals("JAVA_TOOL_OPTIONS"));
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the CLI did not finish");
        return new Child(p.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void nonAsciiTextRoundTripsWithoutALocale() throws Exception {
        Path wf = Files.writeString(dir.resolve("unicode.yaml"), "name: unicode\nversion: '1'\ndescription: " + TEXT + "\n"
                + "tasks:\n  - task_id: hello\n    function: apps.platform.testkit.echo\n"
                + "    kwargs: {value: \"" + TEXT + "\"}\n    result_key: greeting\n", StandardCharsets.UTF_8);
        Child run = cli("run", wf.toString());
        assertEquals(0, run.code(), run.stderr());
        Map<String, Object> doc = new ObjectMapper().readValue(run.stdout(), Map.class);
        assertEquals(TEXT, ((Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("greeting")).get("value"),
                run.stdout());
        assertTrue(run.stderr().contains("[hello] echo " + TEXT), run.stderr());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": \"bad\", \"tasks\": [{\"task_id\": \"t\u00e2che_" + TEXT
                + "\", \"function\": \"apps.platform.testkit.echo\", \"kwargs\": {\"value\": 1}}]}", StandardCharsets.UTF_8);
        Child invalid = cli("validate", bad.toString());
        assertEquals(2, invalid.code(), invalid.stderr());
        Map<String, Object> error = new ObjectMapper().readValue(invalid.stdout(), Map.class);
        assertTrue(((String) error.get("error")).contains("task_id 't\u00e2che_" + TEXT + "'"), invalid.stdout());
        assertTrue(invalid.stderr().contains("t\u00e2che_" + TEXT), invalid.stderr());
    }
}
