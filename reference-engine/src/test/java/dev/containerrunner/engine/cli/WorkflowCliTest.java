package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowCliTest {

    @TempDir
    Path dir;

    record Outcome(int code, Map<String, Object> json, String stderr, String stdout) {
    }

    /** stdout must be exactly one JSON document (nothing after it) or empty. */
    @SuppressWarnings("unchecked")
    private Outcome cli(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new WorkflowCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()).execute(args);
        String stdout = out.toString(StandardCharsets.UTF_8);
        Map<String, Object> json = stdout.isBlank() ? Map.of()
                : new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(stdout, Map.class);
        return new Outcome(code, json, err.toString(StandardCharsets.UTF_8), stdout);
    }

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void runPrintsOneJsonDocumentAndExitsZero() throws IOException {
        Path wf = file("ok.yaml", """
                name: demo
                version: 1.0.0
                tasks:
                  - task_id: hello
                    function: apps.platform.testkit.echo
                    kwargs: {value: hi}
                    result_key: greeting
                """);
        Outcome o = cli("run", wf.toString());
        assertEquals(0, o.code(), o.stderr());
        assertEquals("demo", o.json().get("workflow"));
        assertEquals("1.0.0", o.json().get("version"));
        assertEquals("succeeded", o.json().get("status"));
        assertEquals("hi", ((Map<?, ?>) ((Map<?, ?>) o.json().get("results")).get("greeting")).get("value"));
        Map<?, ?> task = (Map<?, ?>) ((List<?>) o.json().get("tasks")).get(0);
        assertEquals("succeeded", task.get("status"));
        assertTrue(task.containsKey("duration_seconds") && task.containsKey("error") && task.containsKey("function"));
        assertTrue(o.stderr().contains("[hello] echo hi"), o.stderr());
    }

    @Test
    void aFailedTaskExitsOne() throws IOException {
        Path wf = file("fail.json", "{\"name\": \"f\", \"version\": \"1\", \"tasks\": [{\"task_id\": \"x\", "
                + "\"function\": \"apps.platform.testkit.fail\", \"result_key\": \"x\"}]}");
        Outcome o = cli("run", wf.toString());
        assertEquals(1, o.code());
        assertEquals("failed", o.json().get("status"));
    }

    @Test
    void invalidWorkflowsExitTwoAndRunNothing() throws IOException {
        for (String[] c : List.of(
                new String[] {"apps.platform.testkit.nope", "{value: 1}", "no action 'nope'"},
                new String[] {"apps.platform.testkit.echo", "{}", "'value' is required"},
                new String[] {"apps.platform.testkit.echo", "{value: 1, colour: red}", "'colour' is not accepted"})) {
            Path wf = file("bad.yaml", "name: bad\nversion: '1'\ntasks:\n  - task_id: t\n    function: " + c[0]
                    + "\n    kwargs: " + c[1] + "\n");
            Outcome o = cli("run", wf.toString());
            assertEquals(2, o.code(), o.stderr());
            assertEquals("invalid", o.json().get("status"));
            assertTrue(((String) o.json().get("error")).contains(c[2]), o.json().toString());
            assertTrue(o.stderr().contains(c[2]));
            assertTrue(!o.stderr().contains("[t]"), "nothing ran");
        }
        assertEquals(2, cli("run", dir.resolve("missing.yaml").toString()).code());
        assertEquals(2, cli("run", file("broken.yaml", "name: [").toString()).code());
        assertEquals(2, cli("frobnicate").code());
        assertEquals(2, cli("run").code());
    }

    @Test
    void invalidConfigurationExitsTwo() throws IOException {
        Path wf = file("ok.yaml", "name: x\ntasks:\n  - {task_id: t, function: apps.platform.testkit.echo, kwargs: {value: 1}}\n");
        Path config = file("config.yaml", "apps:\n  nothing_installed: {}\n");
        Outcome o = cli("run", wf.toString(), "--config", config.toString());
        assertEquals(2, o.code());
        assertTrue(o.stderr().contains("nothing_installed"));
    }

    @Test
    void validateAndApps() throws IOException {
        Path wf = file("ok.yaml", """
                name: x
                tasks:
                  - {task_id: a, function: apps.platform.testkit.echo, kwargs: {value: 1}, result_key: ra}
                  - {task_id: b, function: apps.platform.testkit.echo, kwargs: {value: "{{ ra.value }}"}}
                """);
        Outcome v = cli("validate", wf.toString());
        assertEquals(0, v.code(), v.stderr());
        assertEquals(true, v.json().get("valid"));
        assertEquals(List.of("a"), ((Map<?, ?>) ((List<?>) v.json().get("tasks")).get(1)).get("depends_on"));
        Outcome apps = cli("apps");
        assertEquals(0, apps.code());
        Map<?, ?> app = (Map<?, ?>) ((List<?>) apps.json().get("apps")).get(0);
        assertEquals("platform.testkit", app.get("id"));
        Map<?, ?> echo = (Map<?, ?>) ((List<?>) app.get("actions")).get(0);
        assertEquals("apps.platform.testkit.echo", echo.get("function"));
        Map<?, ?> count = (Map<?, ?>) ((List<?>) echo.get("parameters")).get(1);
        assertEquals(Map.of("name", "count", "type", "integer", "required", false, "default", 1, "doc", "a number"), count);
    }

    @Test
    void everyUsageErrorPrintsTheInvalidDocumentAndExitsTwo() throws IOException {
        String wf = file("ok.yaml", "name: x\ntasks:\n  - {task_id: t, function: apps.platform.testkit.echo, kwargs: {value: 1}}\n")
                .toString();
        String cfg = file("c.yaml", "engine: {max_parallel_tasks: 2}\n").toString();
        String missing = dir.resolve("missing.yaml").toString();
        String[][] cases = {
            {"no command given"},
            {"unknown command 'frobnicate'", "frobnicate"},
            {"unknown command '--hlep'", "--hlep"}, // '--help' itself is help now (issue 19): exit 0
            {"'run' needs a workflow FILE", "run"},
            {"'validate' needs a workflow FILE", "validate"},
            {"--config needs a value", "run", wf, "--config"},
            {"--plugins needs a value", "run", wf, "--plugins"},
            {"--config needs a value, got the option '--plugins'", "run", wf, "--config", "--plugins", dir.toString()},
            {"--config is given twice", "run", wf, "--config", cfg, "--config", cfg},
            {"unknown option '--verbose'", "run", wf, "--verbose"},
            {"unknown option '-v'", "validate", wf, "-v"},
            {"unknown option '--config=", "run", wf, "--config=" + cfg},
            {"takes one FILE", "run", wf, wf},
            {"'apps' takes no FILE", "apps", wf},
            {"FILE is an empty path", "run", ""},
            {"is not a valid path", "run", "bad\0path"},
            {"missing.yaml does not exist", "run", missing},
            {"missing.yaml does not exist", "validate", missing},
            {"is a directory", "run", dir.toString()},
            {"missing.yaml does not exist", "run", wf, "--config", missing},
            {"missing.yaml does not exist", "apps", "--config", missing},
            {"does not exist or is not a directory", "run", wf, "--plugins", dir.resolve("nodir").toString()},
            {"line 1", "validate", file("broken.yaml", "name: [").toString()},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Outcome o = cli(args);
            String what = List.of(args) + " -> " + o.stdout() + o.stderr();
            assertEquals(2, o.code(), what);
            assertEquals(Set.of("status", "error"), o.json().keySet(), what);
            assertEquals("invalid", o.json().get("status"), what);
            assertTrue(((String) o.json().get("error")).contains(c[0]), what);
            assertTrue(o.stderr().contains(c[0]), what);
        }
        Outcome o = cli("run", wf, "--config");
        assertEquals("{\n  \"status\" : \"invalid\",\n  \"error\" : \"--config needs a value\"\n}\n", o.stdout());
        assertTrue(o.stderr().contains("usage:"), o.stderr());
    }

    @Test
    void anAppThatFailsUntypedWhileConfiguredIsAnInvalidConfiguration() throws IOException {
        Path wf = file("ok.yaml", "name: x\ntasks:\n  - {task_id: t, function: apps.platform.testkit.echo, kwargs: {value: 1}}\n");
        Path config = file("config.yaml", "apps:\n  testkit: {fail_untyped: true}\n");
        for (String command : List.of("run", "validate")) {
            Outcome o = cli(command, wf.toString(), "--config", config.toString());
            assertEquals(2, o.code(), o.stderr());
            assertTrue(((String) o.json().get("error")).contains("app 'platform.testkit' (classpath) failed while being"
                    + " configured: java.lang.IllegalStateException: configure exploded"), o.json().toString());
        }
    }

    @Test
    void aRetryOrExitCodeThatMakesNoSenseIsRefusedWithExitTwoAndNothingRuns() throws IOException {
        for (String rules : List.of("retry: {max_attempts: 11}", "retry: {initial_backoff_seconds: -1}",
                "retry: {on: [disk_full]}", "exit_codes: {skip: [256]}")) {
            Path wf = file("bad.yaml", """
                    name: demo
                    version: 1.0.0
                    tasks:
                      - task_id: hello
                        function: apps.platform.testkit.echo
                        kwargs: {value: hi}
                        %s
                    """.formatted(rules));
            for (String command : List.of("validate", "run")) {
                Outcome o = cli(command, wf.toString());
                assertEquals(2, o.code(), rules + " " + o.stderr());
                assertEquals("invalid", o.json().get("status"), rules);
                String key = rules.substring(0, rules.indexOf(':')) + "." + rules.replaceAll(".*\\{(\\w+):.*", "$1");
                assertTrue(String.valueOf(o.json().get("error")).contains(key), key + ": " + o.json().get("error"));
                assertTrue(!o.stderr().contains("[hello] echo"), "nothing ran: " + o.stderr());
            }
        }
    }

    @Test
    void tasksSayTheirAttemptsFailureReasonAndRetryable() throws IOException {
        Path wf = file("tasks.yaml", """
                name: demo
                version: 1.0.0
                tasks:
                  - task_id: refused
                    function: apps.platform.testkit.boom
                    kwargs: {failure_reason: policy_denied}
                    retry: {max_attempts: 3, initial_backoff_seconds: 0}
                  - task_id: hello
                    function: apps.platform.testkit.echo
                    kwargs: {value: hi}
                """);
        Outcome o = cli("run", wf.toString());
        assertEquals(1, o.code(), o.stderr());
        Map<?, ?> refused = (Map<?, ?>) ((List<?>) o.json().get("tasks")).get(0);
        assertEquals(List.of("failed", "policy_denied", false, 1), List.of(refused.get("status"), refused.get("failure_reason"),
                refused.get("retryable"), refused.get("attempts")), "policy_denied is not retryable: one attempt");
        Map<?, ?> hello = (Map<?, ?>) ((List<?>) o.json().get("tasks")).get(1);
        assertEquals(List.of("succeeded", false, 1), List.of(hello.get("status"), hello.get("retryable"), hello.get("attempts")));
        assertTrue(hello.containsKey("failure_reason") && hello.get("failure_reason") == null);
    }
}
