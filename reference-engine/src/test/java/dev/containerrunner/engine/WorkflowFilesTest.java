package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflow and configuration files go through the strict reader, in YAML and JSON alike. */
class WorkflowFilesTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String refused(Runnable read) {
        return assertThrows(WorkflowDefinitionException.class, read::run).getMessage();
    }

    @Test
    void configurationDuplicatesCannotGrantAnything() throws IOException {
        Path yaml = file("c.yaml", "apps:\n  container_runner:\n    network_allowed: false\n    network_allowed: true\n");
        String msg = refused(() -> EngineConfig.load(yaml));
        assertTrue(msg.contains("configuration file " + yaml) && msg.contains("line 4") && msg.contains("'network_allowed'"), msg);
        Path json = file("c.json", "{\"apps\": {\"container_runner\": {\"network_allowed\": false, \"network_allowed\": true}}}");
        msg = refused(() -> EngineConfig.load(json));
        assertTrue(msg.contains("'network_allowed'") && msg.contains("line 1"), msg);
        Path engine = file("e.yaml", "engine:\n  max_parallel_tasks: 1\n  max_parallel_tasks: 256\n");
        assertTrue(refused(() -> EngineConfig.load(engine)).contains("'max_parallel_tasks'"));
        Path huge = file("h.yaml", "engine:\n  max_parallel_tasks: 18446744073709551620\n");
        assertTrue(refused(() -> EngineConfig.load(huge)).contains("from 1 to 256, got 18446744073709551620"));
        Path alias = file("a.yaml", "defaults: &d {network_allowed: true}\napps:\n  container_runner: *d\n");
        assertTrue(refused(() -> EngineConfig.load(alias)).contains("anchor '&d'"));
        Path twoDocs = file("two.yaml", "apps: {}\n---\napps:\n  container_runner: {network_allowed: true}\n");
        assertTrue(refused(() -> EngineConfig.load(twoDocs)).contains("second YAML document"));
    }

    @Test
    void workflowDuplicatesAreRefusedNotLastWins() throws IOException {
        String head = "name: w\ntasks:\n  - task_id: t\n    function: apps.platform.testkit.echo\n";
        for (String[] c : List.of(
                new String[] {head + "    kwargs: {value: 1}\n    task_id: u\n", "'task_id'", "line 6"},
                new String[] {head + "    function: apps.platform.testkit.fail\n", "'function'", "line 5"},
                new String[] {head + "    kwargs:\n      value: 1\n      image: a\n      image: b\n", "'image'", "line 8"},
                new String[] {head + "    kwargs:\n      value: [1]\n      value: [2]\n", "'value'", "line 7"},
                new String[] {"name: w\nname: v\ntasks: []\n", "'name'", "line 2"})) {
            Path wf = file("w.yaml", c[0]);
            String msg = refused(() -> WorkflowFiles.load(wf));
            assertTrue(msg.contains(c[1]) && msg.contains(c[2]), msg);
        }
        Path json = file("w.json", "{\"name\": \"w\", \"tasks\": [{\"task_id\": \"t\", \"function\": \"f\","
                + " \"kwargs\": {\"command\": [\"a\"], \"command\": [\"b\"]}}]}");
        assertTrue(refused(() -> WorkflowFiles.load(json)).contains("'command'"));
        Path trailing = file("t.json", "{\"name\": \"w\", \"tasks\": []}\n{\"name\": \"x\"}");
        assertTrue(refused(() -> WorkflowFiles.load(trailing)).contains("after the end of the document"));
    }

    @Test
    void versionIsAStringOrAnInteger() throws IOException {
        String tasks = "tasks:\n  - {task_id: t, function: apps.platform.testkit.echo, kwargs: {value: 1}}\n";
        assertEquals("1.10", WorkflowFiles.load(file("a.yaml", "name: w\nversion: '1.10'\n" + tasks)).version());
        assertEquals("2", WorkflowFiles.load(file("b.yaml", "name: w\nversion: 2\n" + tasks)).version());
        assertEquals("18446744073709551621",
                WorkflowFiles.load(file("c.yaml", "name: w\nversion: 18446744073709551621\n" + tasks)).version());
        Path floating = file("d.yaml", "name: w\nversion: 1.10\n" + tasks);
        String msg = refused(() -> WorkflowFiles.load(floating));
        assertTrue(msg.contains("'version' must be a string"), msg);
        Path bool = file("e.yaml", "name: w\nversion: true\n" + tasks);
        assertTrue(refused(() -> WorkflowFiles.load(bool)).contains("'version'"));
        Path description = file("f.yaml", "name: w\ndescription: [x]\n" + tasks);
        assertTrue(refused(() -> WorkflowFiles.load(description)).contains("'description' must be a non-empty string"));
    }

    @Test
    void outOfRangeNumbersReachTheActionExactlyInYamlAndJson() throws IOException {
        String big = "18446744073709551621";
        Path yaml = file("n.yaml", "name: n\ntasks:\n  - task_id: a\n    function: apps.platform.testkit.echo\n"
                + "    kwargs: {value: " + big + ", count: " + big + "}\n    result_key: a\n"
                + "  - task_id: b\n    function: apps.platform.testkit.echo\n"
                + "    kwargs: {value: \"n={{ a.value }}\", count: \"{{ a.count }}\"}\n    result_key: b\n");
        Path json = file("n.json", "{\"name\": \"n\", \"tasks\": [{\"task_id\": \"a\", \"function\": \"apps.platform.testkit.echo\","
                + " \"kwargs\": {\"value\": " + big + ", \"count\": " + big + "}, \"result_key\": \"a\"},"
                + " {\"task_id\": \"b\", \"function\": \"apps.platform.testkit.echo\","
                + " \"kwargs\": {\"value\": \"n={{ a.value }}\", \"count\": \"{{ a.count }}\"}, \"result_key\": \"b\"}]}");
        try (WorkflowEngine engine = WorkflowEngine.builder().build()) {
            for (Path p : List.of(yaml, json)) {
                WorkflowRun run = engine.run(WorkflowFiles.load(p));
                assertTrue(run.succeeded(), run.toString());
                assertEquals(new BigInteger(big), run.result("a").get("value"), p.toString());
                assertEquals(new BigInteger(big), run.result("a").get("count"), p.toString());
                assertEquals("n=" + big, run.result("b").get("value"), p.toString());
                assertEquals(new BigInteger(big), run.result("b").get("count"), p.toString());
                assertTrue(Json.write(run.toJson()).contains("\"count\":" + big), p.toString());
            }
        }
    }

    @Test
    void aConfigurationFileReachesTheAppAsWritten() throws IOException {
        Path yaml = file("c.yaml", "apps:\n  testkit:\n    big: 18446744073709551621\n    word: yes\n    flag: true\n");
        Map<String, Object> section = EngineConfig.load(yaml).apps().get("testkit");
        assertEquals(Map.of("big", new BigInteger("18446744073709551621"), "word", "yes", "flag", true), section);
    }
}
