package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.FailureReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's retry and exit_codes, read from YAML and JSON files alike; nonsense is refused naming the key and what is allowed. */
class TaskRulesTest {

    @TempDir
    Path dir;

    private static final String YAML = "name: w\nversion: 1\ntasks:\n  - task_id: t\n    function: apps.p.a.x\n";

    private TaskSpec yaml(String rules) throws IOException {
        return WorkflowFiles.load(Files.writeString(dir.resolve("w.yaml"), YAML + rules)).tasks().get(0);
    }

    private TaskSpec json(String rules) throws IOException {
        return WorkflowFiles.load(Files.writeString(dir.resolve("w.json"), "{\"name\": \"w\", \"version\": 1, \"tasks\": [{\"task_id\":"
                + " \"t\", \"function\": \"apps.p.a.x\", " + rules + "}]}")).tasks().get(0);
    }

    private String refusedYaml(String rules) {
        return assertThrows(WorkflowDefinitionException.class, () -> yaml(rules)).getMessage();
    }

    private String refusedJson(String rules) {
        return assertThrows(WorkflowDefinitionException.class, () -> json(rules)).getMessage();
    }

    @Test
    void bothFormatsReadTheSameRules() throws IOException {
        TaskSpec y = yaml("    retry: {max_attempts: 4, initial_backoff_seconds: 0.5, backoff_factor: 3, max_backoff_seconds: 30,"
                + " on: [registry_unreachable, exit_code]}\n    exit_codes: {skip: [99, 3]}\n");
        TaskSpec j = json("\"retry\": {\"max_attempts\": 4, \"initial_backoff_seconds\": 0.5, \"backoff_factor\": 3,"
                + " \"max_backoff_seconds\": 30, \"on\": [\"registry_unreachable\", \"exit_code\"]}, \"exit_codes\": {\"skip\": [99, 3]}");
        RetryPolicy expected = new RetryPolicy(4, Duration.ofMillis(500), 3.0, Duration.ofSeconds(30),
                EnumSet.of(FailureReason.REGISTRY_UNREACHABLE, FailureReason.EXIT_CODE));
        assertEquals(expected, y.retry());
        assertEquals(expected, j.retry());
        assertEquals(new ExitCodes(Set.of(3, 99)), y.exitCodes());
        assertEquals(y.exitCodes(), j.exitCodes());
    }

    @Test
    void defaultsFillWhatIsNotWritten() throws IOException {
        assertEquals(RetryPolicy.NONE, yaml("").retry());
        assertEquals(ExitCodes.NONE, yaml("").exitCodes());
        assertEquals(RetryPolicy.of(3), yaml("    retry: {}\n").retry());
        RetryPolicy five = yaml("    retry: {max_attempts: 5}\n").retry();
        assertEquals(List5.of(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60)), List5.of(five));
        assertEquals(FailureReason.retryableReasons(), five.on());
        assertEquals(Duration.ofMillis(500), yaml("    retry: {max_backoff_seconds: 0.5}\n").retry().initialBackoff(),
                "a written maximum below the default initial wait lowers it");
        assertEquals(Duration.ofSeconds(90), yaml("    retry: {initial_backoff_seconds: 90}\n").retry().maxBackoff(),
                "a written initial wait above the default maximum raises it");
    }

    /** The scalar parts of a policy, for one assertion. */
    private record List5(int attempts, Duration initial, double factor, Duration max) {
        static List5 of(int a, Duration i, double f, Duration m) {
            return new List5(a, i, f, m);
        }

        static List5 of(RetryPolicy p) {
            return new List5(p.maxAttempts(), p.initialBackoff(), p.backoffFactor(), p.maxBackoff());
        }
    }

    @Test
    void nullIsRefusedNeverReadAsTheDefault() {
        assertRefused("    retry: ~\n", "\"retry\": null", "task 't': 'retry' must not be null; leave it out for the default");
        assertRefused("    exit_codes: ~\n", "\"exit_codes\": null", "task 't': 'exit_codes' must not be null; leave it out for the default");
    }

    @Test
    void nonsenseIsRefusedNamingTheKeyAndTheAllowedValues() {
        assertRefused("    retry: {max_attempts: 11}\n", "\"retry\": {\"max_attempts\": 11}",
                "task 't': retry.max_attempts must be an integer from 1 to 10, got 11");
        assertRefused("    retry: {max_attempts: 0}\n", "\"retry\": {\"max_attempts\": 0}", "retry.max_attempts must be an integer from 1 to 10, got 0");
        assertRefused("    retry: {max_attempts: 18446744073709551617}\n", "\"retry\": {\"max_attempts\": 18446744073709551617}",
                "retry.max_attempts must be an integer from 1 to 10, got 18446744073709551617");
        assertRefused("    retry: {max_attempts: 2.5}\n", "\"retry\": {\"max_attempts\": 2.5}",
                "retry.max_attempts must be an integer from 1 to 10, got number 2.5");
        assertRefused("    retry: {max_attempts: \"3\"}\n", "\"retry\": {\"max_attempts\": \"3\"}",
                "retry.max_attempts must be an integer from 1 to 10, got string '3'");
        assertRefused("    retry: {initial_backoff_seconds: -1}\n", "\"retry\": {\"initial_backoff_seconds\": -1}",
                "retry.initial_backoff_seconds must be a number of seconds from 0 to 3600, got -1");
        assertRefused("    retry: {initial_backoff_seconds: 5s}\n", "\"retry\": {\"initial_backoff_seconds\": \"5s\"}",
                "retry.initial_backoff_seconds must be a number of seconds from 0 to 3600, got string '5s'");
        assertRefused("    retry: {max_backoff_seconds: true}\n", "\"retry\": {\"max_backoff_seconds\": true}",
                "retry.max_backoff_seconds must be a number of seconds from 0 to 3600, got boolean true");
        assertRefused("    retry: {max_backoff_seconds: 3601}\n", "\"retry\": {\"max_backoff_seconds\": 3601}",
                "retry.max_backoff_seconds must be a number of seconds from 0 to 3600, got 3601");
        assertRefused("    retry: {backoff_factor: 0.5}\n", "\"retry\": {\"backoff_factor\": 0.5}",
                "retry.backoff_factor must be a number from 1 to 10, got 0.5");
        assertRefused("    retry: {initial_backoff_seconds: 10, max_backoff_seconds: 5}\n",
                "\"retry\": {\"initial_backoff_seconds\": 10, \"max_backoff_seconds\": 5}",
                "retry.max_backoff_seconds (5) must be at least retry.initial_backoff_seconds (10)");
        assertRefused("    retry: {on: [registry_unreachable, disk_full]}\n", "\"retry\": {\"on\": [\"registry_unreachable\", \"disk_full\"]}",
                "retry.on[1] string 'disk_full' is not a failure reason; allowed: [exit_code, timeout, oom_killed");
        assertRefused("    retry: {on: []}\n", "\"retry\": {\"on\": []}", "retry.on must be a non-empty list of failure reasons");
        assertRefused("    retry: {on: [exit_code, exit_code]}\n", "\"retry\": {\"on\": [\"exit_code\", \"exit_code\"]}",
                "retry.on[1] repeats 'exit_code'");
        assertRefused("    retry: {attempts: 3}\n", "\"retry\": {\"attempts\": 3}", "unknown field 'retry.attempts'; allowed:"
                + " [backoff_factor, initial_backoff_seconds, max_attempts, max_backoff_seconds, on]");
        assertRefused("    retry: 3\n", "\"retry\": 3", "'retry' must be an object with keys");
        assertRefused("    exit_codes: {skip: [256]}\n", "\"exit_codes\": {\"skip\": [256]}",
                "exit_codes.skip[0] must be an integer from 1 to 255, got 256");
        assertRefused("    exit_codes: {skip: [-1]}\n", "\"exit_codes\": {\"skip\": [-1]}",
                "exit_codes.skip[0] must be an integer from 1 to 255, got -1");
        assertRefused("    exit_codes: {skip: [0]}\n", "\"exit_codes\": {\"skip\": [0]}",
                "exit_codes.skip[0] must be an integer from 1 to 255, got 0 (exit code 0 is success, never a skip)");
        assertRefused("    exit_codes: {skip: [99, 99]}\n", "\"exit_codes\": {\"skip\": [99, 99]}", "exit_codes.skip[1] repeats exit code 99");
        assertRefused("    exit_codes: {skip: 99}\n", "\"exit_codes\": {\"skip\": 99}",
                "exit_codes.skip must be a non-empty list of exit codes from 1 to 255, got integer 99");
        assertRefused("    exit_codes: {fail: [1]}\n", "\"exit_codes\": {\"fail\": [1]}", "unknown field 'exit_codes.fail'; allowed: [skip]");
    }

    private void assertRefused(String yamlRules, String jsonRules, String expected) {
        String y = refusedYaml(yamlRules);
        assertTrue(y.contains(expected), y);
        String j = refusedJson(jsonRules);
        assertTrue(j.contains(expected), j);
    }
}
