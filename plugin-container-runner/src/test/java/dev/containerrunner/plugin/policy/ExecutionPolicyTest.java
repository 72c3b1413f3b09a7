package dev.containerrunner.plugin.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionPolicyTest {

    private static RunnerConfig config(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("allowed_images", List.of("python:3.11-slim"));
        m.put("max_timeout", 600);
        m.put("max_memory", "1g");
        m.put("max_cpu", 1.5);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return RunnerConfig.from(m);
    }

    private static void check(RunnerConfig c, Object... kv) {
        Map<String, Object> k = new HashMap<>();
        k.put("image", "python:3.11-slim");
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        new ExecutionPolicy(c).check(RunRequest.from("run_container", k, c.requestDefaults()));
    }

    private static String denied(RunnerConfig c, Object... kv) {
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> check(c, kv));
        return e.parameter() + ": " + e.getMessage();
    }

    @Test
    void emptyAllowlistDeniesEverything() {
        String msg = denied(RunnerConfig.defaults());
        assertTrue(msg.startsWith("image: "), msg);
        assertTrue(msg.contains("configure apps.container_runner.allowed_images"), msg);
    }

    @Test
    void imageOutsideAllowlistIsDenied() {
        assertTrue(denied(config(), "image", "python:3.12").startsWith("image: "));
        check(config(), "image", "docker.io/library/python:3.11-slim");
    }

    @Test
    void maximaAreEnforcedNotClamped() {
        check(config(), "timeout_seconds", 600, "memory_limit", "1g", "cpu_limit", 1.5);
        assertTrue(denied(config(), "timeout_seconds", 601).startsWith("timeout_seconds: "));
        assertTrue(denied(config(), "memory_limit", "1025m").startsWith("memory_limit: "));
        assertTrue(denied(config(), "cpu_limit", 1.6).startsWith("cpu_limit: "));
    }

    @Test
    void networkNeedsConsentAndHostItsOwn() {
        check(config(), "network", "none");
        assertTrue(denied(config(), "network", "bridge").contains("network_allowed"));
        check(config("network_allowed", true), "network", "bridge");
        assertTrue(denied(config("network_allowed", true), "network", "host").contains("host_network_allowed"));
        check(config("network_allowed", true, "host_network_allowed", true), "network", "host");
        assertEquals(true, denied(config("enable_network", true), "network", "host").startsWith("network: "));
    }
}
