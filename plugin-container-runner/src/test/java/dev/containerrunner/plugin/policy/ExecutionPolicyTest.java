package dev.containerrunner.plugin.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.InvalidKwargsException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    private static final String APPROVED = "localhost:5055/team/app:approved";
    private static final String OTHER = "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /**
     * Issue 14, item 1: the tag is allowed, the digest is another image's. Whether the other image is
     * present ('never', 'if_not_present') or would be pulled ('always', 'if_not_present'), the request
     * is refused when it is validated: nothing is pulled or run.
     */
    @ParameterizedTest(name = "pull_policy {0}")
    @ValueSource(strings = {"never", "if_not_present", "always"})
    void aTagEntryDoesNotAdmitThatTagWithADigest(String pullPolicy) {
        RunnerConfig c = config("allowed_images", List.of(APPROVED));
        check(c, "image", APPROVED, "pull_policy", pullPolicy);
        String msg = denied(c, "image", APPROVED + "@" + OTHER, "pull_policy", pullPolicy);
        assertTrue(msg.startsWith("image: "), msg);
        assertTrue(msg.contains("the engine runs the digest " + OTHER + " and ignores the tag 'approved'"), msg);
        assertTrue(msg.contains("pin it in allowed_images (localhost:5055/team/app@" + OTHER + ")"), msg);
        assertTrue(denied(c, "image", "localhost:5055/team/app@" + OTHER, "pull_policy", pullPolicy).startsWith("image: "));
    }

    @ParameterizedTest(name = "pull_policy {0}")
    @ValueSource(strings = {"never", "if_not_present", "always"})
    void aPinnedDigestIsAdmittedWithOrWithoutItsTag(String pullPolicy) {
        RunnerConfig c = config("allowed_images", List.of("localhost:5055/team/app@" + OTHER));
        check(c, "image", APPROVED + "@" + OTHER, "pull_policy", pullPolicy);
        check(c, "image", "localhost:5055/team/app@" + OTHER, "pull_policy", pullPolicy);
        assertFalse(denied(c, "image", APPROVED, "pull_policy", pullPolicy).contains("ignores the tag"));
    }

    @Test
    void aDenialWithoutATagAndDigestGivesNoDigestHint() {
        assertFalse(denied(config(), "image", "python:3.12").contains("digest"));
        assertFalse(denied(config(), "image", "python:3.12@" + OTHER).contains("ignores the tag"));
    }

    /** Issue 14, item 3: 2^64+5 is not 5. */
    @Test
    void aTimeoutBeyondLongIsRefusedNotWrapped() {
        RunnerConfig c = config("max_timeout", 300);
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> check(c, "timeout_seconds", new BigInteger("18446744073709551621")));
        assertEquals("timeout_seconds", e.parameter());
        assertTrue(e.getMessage().contains("18446744073709551621"), e.getMessage());
        check(c, "timeout_seconds", new BigInteger("300"));
        assertTrue(denied(c, "timeout_seconds", new BigInteger("301")).startsWith("timeout_seconds: "));
    }
}
