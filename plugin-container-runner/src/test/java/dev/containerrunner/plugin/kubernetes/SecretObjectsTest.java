package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.RunRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run's secrets in the Job and its Secret, field by field: values only in the Secret, references in the pod. */
class SecretObjectsTest {

    private static final String ATTEMPT = "0123456789abcdef0123456789abcdef";
    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"),
            "kubernetes", Map.of("helper_image", "helper:1")));

    private static PodSpecs.RunObjects job(Map<String, Object> kwargs) {
        Map<String, Object> k = new HashMap<>(kwargs);
        k.put("image", "python:3.11-slim");
        RunRequest request = RunRequest.from("run_container", k, CONFIG.requestDefaults());
        KubeLabels.Metadata meta = KubeLabels.forAttempt(new TestContext("t"), ATTEMPT, Instant.ofEpochSecond(2_000_000_000L),
                Duration.ofSeconds(600), true);
        PodSpecs.RunObjects objects = PodSpecs.build(request, CONFIG, ATTEMPT, meta, Duration.ofSeconds(1000));
        SecretObjects.mount(objects.job(), request.secrets(), ATTEMPT, CONFIG.kubernetes());
        return objects;
    }

    @Test
    void theSecretHoldsTheValuesLabelledLikeTheRun() {
        Secret s = SecretObjects.secret(ATTEMPT, Map.of("dev.containerrunner.attempt", ATTEMPT),
                Map.of("db", "pw-1234".getBytes(StandardCharsets.UTF_8)));
        assertEquals("container-runner-" + ATTEMPT + "-secrets", s.getMetadata().getName());
        assertEquals("Opaque", s.getType());
        assertEquals("pw-1234", new String(Base64.getDecoder().decode(s.getData().get("db")), StandardCharsets.UTF_8));
        assertEquals(ATTEMPT, s.getMetadata().getLabels().get("dev.containerrunner.attempt"));
    }

    @Test
    void filesComeThroughAnInitContainerIntoAReadOnlyMemoryDirectory() {
        PodSpec pod = job(Map.of("secrets", List.of("db", "api"))).job().getSpec().getTemplate().getSpec();
        Volume source = pod.getVolumes().stream().filter(v -> v.getName().equals(SecretObjects.SOURCE_VOLUME)).findFirst().orElseThrow();
        assertEquals("container-runner-" + ATTEMPT + "-secrets", source.getSecret().getSecretName());
        assertEquals(0400, source.getSecret().getDefaultMode());
        Volume files = pod.getVolumes().stream().filter(v -> v.getName().equals(SecretObjects.FILES_VOLUME)).findFirst().orElseThrow();
        assertEquals("Memory", files.getEmptyDir().getMedium());
        Container init = pod.getInitContainers().stream().filter(c -> c.getName().equals(SecretObjects.INIT)).findFirst().orElseThrow();
        assertEquals("helper:1", init.getImage());
        assertEquals(List.of("sh", "-c", SecretObjects.COPY, SecretObjects.INIT, "db", "api"), init.getCommand());
        assertEquals(true, init.getSecurityContext().getReadOnlyRootFilesystem());
        Container main = pod.getContainers().get(0);
        VolumeMount mount = main.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/run/secrets")).findFirst()
                .orElseThrow();
        assertEquals(SecretObjects.FILES_VOLUME, mount.getName());
        assertEquals(true, mount.getReadOnly());
        assertFalse(main.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(SecretObjects.SOURCE_VOLUME)),
                "the Secret itself is mounted only into the init container");
    }

    @Test
    void variablesAreSecretKeyRefsAndNoFileIsMadeForThem() {
        PodSpecs.RunObjects objects = job(Map.of("secret_env", Map.of("PGPASSWORD", "db"), "environment", Map.of("PLAIN", "x")));
        PodSpec pod = objects.job().getSpec().getTemplate().getSpec();
        EnvVar pg = pod.getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("PGPASSWORD")).findFirst()
                .orElseThrow();
        assertNull(pg.getValue());
        assertEquals("container-runner-" + ATTEMPT + "-secrets", pg.getValueFrom().getSecretKeyRef().getName());
        assertEquals("db", pg.getValueFrom().getSecretKeyRef().getKey());
        assertEquals(false, pg.getValueFrom().getSecretKeyRef().getOptional());
        assertTrue(pod.getInitContainers().isEmpty(), "no files: no init container");
        assertTrue(pod.getContainers().get(0).getEnv().stream().anyMatch(e -> e.getName().equals("PLAIN")));
        assertFalse(Serialization.asJson(objects.job()).contains("pw-"), "no value in the Job");
    }
}
