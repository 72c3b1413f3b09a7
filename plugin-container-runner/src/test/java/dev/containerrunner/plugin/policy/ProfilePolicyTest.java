package dev.containerrunner.plugin.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerBackend;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The profile kwarg at validation: unknown, not for this image, requests above the run's limits; Docker refuses it. */
class ProfilePolicyTest {

    private static final RunnerConfig KUBE = RunnerConfig.from(Map.of("backend", "kubernetes",
            "allowed_images", List.of("*:*", "registry.example.com/ml/*:*"),
            "profiles", Map.of(
                    "gpu", Map.of("allowed_images", List.of("registry.example.com/ml/*:*"), "node_selector", Map.of("pool", "gpu")),
                    "fixed", Map.of("requests", Map.of("cpu", 1.5, "memory", "1g")))));

    private static void check(RunnerConfig config, Object... kv) {
        Map<String, Object> kwargs = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            kwargs.put((String) kv[i], kv[i + 1]);
        }
        new ExecutionPolicy(config).check(RunRequest.from("run_container", kwargs, config.requestDefaults()));
    }

    private static PolicyDeniedException denied(RunnerConfig config, Object... kv) {
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> check(config, kv));
        assertEquals("profile", e.parameter());
        return e;
    }

    @Test
    void anUnknownProfileIsRefusedNamingItAndTheConfiguredOnes() {
        PolicyDeniedException e = denied(KUBE, "image", "a:1", "profile", "gpus");
        assertTrue(e.getMessage().contains("'gpus' is not a configured profile (profiles: [fixed, gpu])"), e.getMessage());
        e = denied(RunnerConfig.from(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"))), "image", "a:1",
                "profile", "gpu");
        assertTrue(e.getMessage().contains("(profiles: [])"), e.getMessage());
    }

    @Test
    void aProfileAdmitsOnlyItsImages() {
        check(KUBE, "image", "registry.example.com/ml/train:1", "profile", "gpu");
        PolicyDeniedException e = denied(KUBE, "image", "python:3.11-slim", "profile", "gpu");
        assertTrue(e.getMessage().contains("profile 'gpu' does not allow image 'python:3.11-slim'"
                + " (docker.io/library/python:3.11-slim): its allowed_images are [registry.example.com/ml/*:*]"), e.getMessage());
    }

    @Test
    void theDefaultProfileIsHeldToTheSameRules() {
        RunnerConfig c = RunnerConfig.from(Map.of("backend", "kubernetes", "allowed_images", List.of("team/*:*", "other/*:*"),
                "profiles", Map.of("default", Map.of("allowed_images", List.of("team/*:*")))));
        check(c, "image", "team/app:1");
        PolicyDeniedException e = denied(c, "image", "other/app:1");
        assertTrue(e.getMessage().contains("profile 'default' (taken when a task names none) does not allow image"), e.getMessage());
    }

    @Test
    void fixedRequestsMustFitInTheRunsLimits() {
        check(KUBE, "image", "a:1", "profile", "fixed", "cpu_limit", 1.5, "memory_limit", "1g");
        PolicyDeniedException e = denied(KUBE, "image", "a:1", "profile", "fixed", "cpu_limit", 1.0, "memory_limit", "1g");
        assertTrue(e.getMessage().contains("requests 1.5 CPUs, above this run's cpu_limit (1.0)"), e.getMessage());
        e = denied(KUBE, "image", "a:1", "profile", "fixed", "cpu_limit", 2.0, "memory_limit", "512m");
        assertTrue(e.getMessage().contains("requests 1g of memory, above this run's memory_limit (512m)"), e.getMessage());
    }

    @Test
    void dockerRefusesTheProfileKwargSayingProfilesAreForKubernetes() {
        RunnerConfig docker = RunnerConfig.from(Map.of("allowed_images", List.of("*:*")));
        DockerBackend backend = new DockerBackend(docker, c -> {
            throw new AssertionError("the refusal needs no engine");
        });
        RunRequest request = RunRequest.from("run_container", Map.of("image", "a:1", "profile", "gpu"), docker.requestDefaults());
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> backend.check(request));
        assertEquals("profile", e.parameter());
        assertTrue(e.getMessage().contains("not supported with backend: docker"), e.getMessage());
        assertTrue(e.getMessage().contains("apply to backend: kubernetes only"), e.getMessage());
        InvalidKwargsException blank = assertThrows(InvalidKwargsException.class, () -> RunRequest.from("run_container",
                Map.of("image", "a:1", "profile", " "), docker.requestDefaults()));
        assertEquals("profile", blank.parameter());
    }
}
