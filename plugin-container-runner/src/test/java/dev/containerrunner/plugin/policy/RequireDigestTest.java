package dev.containerrunner.plugin.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code require_digest: true} admits only digest-pinned references; allowlist entries may pin digests. */
class RequireDigestTest {

    private static final String DIGEST = "sha256:" + "b".repeat(64);
    private static final String OTHER = "sha256:" + "c".repeat(64);

    private static void check(RunnerConfig c, String image) {
        new ExecutionPolicy(c).check(RunRequest.from("run_container", Map.of("image", image), c.requestDefaults()));
    }

    @Test
    void onlyDigestReferencesAreAdmitted() {
        RunnerConfig c = RunnerConfig.from(Map.of("allowed_images", List.of("registry.example.com/team/app:*"),
                "require_digest", true));
        PolicyDeniedException tag = assertThrows(PolicyDeniedException.class, () -> check(c, "registry.example.com/team/app:1.0"));
        assertEquals("image", tag.parameter());
        assertTrue(tag.getMessage().contains("not pinned by digest") && tag.getMessage().contains("require_digest: true")
                && tag.getMessage().contains("registry.example.com/team/app@sha256:"), tag.getMessage());
        assertThrows(PolicyDeniedException.class, () -> check(c, "registry.example.com/team/app"), "latest is a tag too");
        assertDoesNotThrow(() -> check(c, "registry.example.com/team/app@" + DIGEST));
        assertDoesNotThrow(() -> check(c, "registry.example.com/team/app:1.0@" + DIGEST));
        assertThrows(PolicyDeniedException.class, () -> check(c, "registry.example.com/team/other@" + DIGEST),
                "the allowlist still applies");
    }

    @Test
    void anAllowlistEntryMayPinTheDigest() {
        RunnerConfig c = RunnerConfig.from(Map.of("allowed_images", List.of("registry.example.com/team/app@" + DIGEST),
                "require_digest", true));
        assertDoesNotThrow(() -> check(c, "registry.example.com/team/app@" + DIGEST));
        assertThrows(PolicyDeniedException.class, () -> check(c, "registry.example.com/team/app@" + OTHER));
    }

    @Test
    void withoutItTagsRunAsBefore() {
        RunnerConfig c = RunnerConfig.from(Map.of("allowed_images", List.of("registry.example.com/team/app:*")));
        assertDoesNotThrow(() -> check(c, "registry.example.com/team/app:1.0"));
    }
}
