package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.registry.Credential;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-run image pull Secret and the pod's imagePullSecrets (no cluster involved). */
class PullSecretsTest {

    private static final String ATTEMPT = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private RunnerConfig config(Map<String, Object> extra) throws IOException {
        Path pass = dir.resolve("pass");
        Files.writeString(pass, "alice-secret\n");
        Map<String, Object> c = new HashMap<>(Map.of("backend", "kubernetes",
                "allowed_images", List.of("registry.example.com:5443/team/*:*", "python:3.11-slim"),
                "kubernetes", Map.of("helper_image", "helpers.example/busybox:1", "image_pull_secrets", List.of("regcred")),
                "registries", Map.of("registry.example.com:5443", Map.of("username", "alice", "password_file", pass.toString()))));
        c.putAll(extra);
        return RunnerConfig.from(c);
    }

    private static PodSpecs.RunObjects build(RunnerConfig config, String image) {
        RunRequest request = RunRequest.from("run_container", Map.of("image", image), config.requestDefaults());
        return PodSpecs.build(request, config, ATTEMPT, KubeLabels.forAttempt(new TestContext("t"), ATTEMPT,
                Instant.ofEpochSecond(2_000_000_000L), Duration.ofSeconds(60), true), Duration.ofSeconds(100));
    }

    @Test
    void theSecretHoldsTheCredentialsOfTheRegistriesThePodPullsFrom() throws IOException {
        RunnerConfig c = config(Map.of());
        List<Credential> creds = PullSecrets.resolve(c, ImageReference.parse("registry.example.com:5443/team/app:1"), true);
        assertEquals(1, creds.size(), "the helper's registry has no credentials configured");
        Secret s = PullSecrets.secret(ATTEMPT, Map.of("dev.containerrunner.managed-by", "container_runner"), creds);
        assertEquals("container-runner-" + ATTEMPT + "-pull", s.getMetadata().getName());
        assertEquals("kubernetes.io/dockerconfigjson", s.getType());
        assertEquals(Map.of("dev.containerrunner.managed-by", "container_runner"), s.getMetadata().getLabels());
        Map<?, ?> json = new ObjectMapper().readValue(Base64.getDecoder().decode(s.getData().get(".dockerconfigjson")), Map.class);
        Map<?, ?> entry = (Map<?, ?>) ((Map<?, ?>) json.get("auths")).get("registry.example.com:5443");
        assertEquals("alice", entry.get("username"));
        assertEquals("alice-secret", entry.get("password"));
        assertEquals("alice:alice-secret", new String(Base64.getDecoder().decode((String) entry.get("auth")),
                StandardCharsets.UTF_8));
        assertEquals(List.of(), PullSecrets.resolve(c, ImageReference.parse("python:3.11-slim"), false),
                "an anonymous registry needs no Secret");
    }

    @Test
    void dockerHubCredentialsAreKeyedAsTheKubeletLooksThemUp() {
        Secret s = PullSecrets.secret(ATTEMPT, Map.of(), List.of(new Credential("docker.io", "hub", "pw", false, "x")));
        String json = new String(Base64.getDecoder().decode(s.getData().get(".dockerconfigjson")), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"https://index.docker.io/v1/\""), json);
    }

    @Test
    void thePodReferencesTheConfiguredSecretsAndThePerRunOne() throws IOException {
        Job job = build(config(Map.of()), "registry.example.com:5443/team/app:1").job();
        assertEquals(List.of(new LocalObjectReference("regcred")), job.getSpec().getTemplate().getSpec().getImagePullSecrets());
        PullSecrets.reference(job, PullSecrets.name(ATTEMPT));
        assertEquals(List.of(new LocalObjectReference("regcred"), new LocalObjectReference("container-runner-" + ATTEMPT + "-pull")),
                job.getSpec().getTemplate().getSpec().getImagePullSecrets());
        Job plain = build(config(Map.of("kubernetes", Map.of())), "python:3.11-slim").job();
        assertEquals(List.of(), plain.getSpec().getTemplate().getSpec().getImagePullSecrets());
    }

    @Test
    void unreadableCredentialsFailTheRunBeforeAnythingIsCreated() throws IOException {
        RunnerConfig c = config(Map.of());
        Files.delete(dir.resolve("pass"));
        ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class,
                () -> PullSecrets.resolve(c, ImageReference.parse("registry.example.com:5443/team/app:1"), false));
        assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason());
        assertTrue(e.getMessage().contains("registries[registry.example.com:5443] password_file"), e.getMessage());
        assertFalse(e.getMessage().contains("alice-secret"));
    }
}
