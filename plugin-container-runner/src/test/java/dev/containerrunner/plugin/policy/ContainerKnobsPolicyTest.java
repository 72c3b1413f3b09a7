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

/** Issue 13 §6: user, shm_size and ulimits are bounded by the configuration; above it is a denial, never a clamp. */
class ContainerKnobsPolicyTest {

    private static RunnerConfig config(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("allowed_images", List.of("python:3.11-slim"));
        m.put("user", "4242");
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

    private static PolicyDeniedException denied(RunnerConfig c, Object... kv) {
        return assertThrows(PolicyDeniedException.class, () -> check(c, kv));
    }

    @Test
    void byDefaultOnlyTheConfiguredUserRuns() {
        check(config());
        check(config(), "user", "4242");
        check(config(), "user", "4242:4242");
        PolicyDeniedException e = denied(config(), "user", "1000");
        assertEquals("user", e.parameter());
        assertTrue(e.getMessage().contains("'1000:1000' is not allowed: only the configured user (4242:4242) (allowed_users is"
                + " empty)"), e.getMessage());
        assertEquals("user", denied(config(), "user", "4242:1").parameter(), "another group is another user");
    }

    @Test
    void allowedUsersAdmitTheirRangesOnly() {
        RunnerConfig c = config("allowed_users", List.of("1000-1999", "3000:3000-3010"));
        check(c, "user", "1000");
        check(c, "user", "1999:1000");
        check(c, "user", "3000:3010");
        check(c, "user", "4242:4242");
        PolicyDeniedException e = denied(c, "user", "2000");
        assertTrue(e.getMessage().contains("allowed_users [1000-1999:1000-1999, 3000:3000-3010]"), e.getMessage());
        denied(c, "user", "1500:2000");
        denied(c, "user", "3000:3011");
    }

    @Test
    void shmSizeIsBoundedByMaxShmSize() {
        check(config(), "shm_size", "64m");
        PolicyDeniedException e = denied(config(), "shm_size", "65m");
        assertEquals("shm_size", e.parameter());
        assertTrue(e.getMessage().contains("(65m) is above max_shm_size (64m)"), e.getMessage());
        check(config("max_shm_size", "256m"), "shm_size", "256m");
    }

    @Test
    void ulimitsAreBoundedByMaxUlimits() {
        check(config(), "ulimits", Map.of("nofile", 4096));
        check(config(), "ulimits", Map.of("nofile", Map.of("soft", 64, "hard", 4096)));
        PolicyDeniedException e = denied(config(), "ulimits", Map.of("nofile", Map.of("soft", 1024, "hard", 4097)));
        assertEquals("ulimits.nofile", e.parameter());
        assertTrue(e.getMessage().contains("(hard 4097) is above max_ulimits.nofile (4096)"), e.getMessage());
        check(config("max_ulimits", Map.of("nofile", 20000)), "ulimits", Map.of("nofile", 20000));
    }
}
