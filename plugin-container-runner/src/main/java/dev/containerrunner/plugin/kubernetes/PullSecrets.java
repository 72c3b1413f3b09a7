package dev.containerrunner.plugin.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.registry.Credential;
import dev.containerrunner.plugin.registry.CredentialsUnavailableException;
import dev.containerrunner.plugin.registry.RegistryHosts;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A run's image pull credentials on Kubernetes: the credentials configured for the registries of
 * the run's image and of the helper image, read now, in a per-run {@code kubernetes.io/dockerconfigjson}
 * Secret that the pod references in {@code imagePullSecrets} (created after the paused Job, owned
 * by it, deleted with the run). Only the registries the pod pulls from are in it.
 */
final class PullSecrets {

    static final String TYPE = "kubernetes.io/dockerconfigjson";
    static final String KEY = ".dockerconfigjson";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PullSecrets() {
    }

    /** The per-run pull Secret's name. */
    static String name(String attempt) {
        return PodSpecs.jobName(attempt) + "-pull";
    }

    /**
     * The credentials the pod needs: for {@code image}'s registry and, when the pod has helper
     * containers, {@code helper_image}'s. Empty when every pull is anonymous.
     *
     * @throws ImageNotAvailableException ({@link FailureReason#IMAGE_AUTH_FAILED}) when configured
     *     credentials cannot be read now
     */
    static List<Credential> resolve(RunnerConfig config, ImageReference image, boolean withHelpers) {
        Set<String> registries = new LinkedHashSet<>();
        registries.add(image.domain());
        if (withHelpers) {
            registries.add(ImageReference.parse(config.kubernetes().helperImage()).domain());
        }
        List<Credential> found = new ArrayList<>();
        for (String registry : registries) {
            try {
                config.registry().credentials().resolve(registry).ifPresent(found::add);
            } catch (CredentialsUnavailableException e) {
                throw new ImageNotAvailableException(image.canonical(), FailureReason.IMAGE_AUTH_FAILED,
                        "the credentials for registry " + registry + " cannot be read: " + e.getMessage(), null);
            }
        }
        return found;
    }

    /** The Secret holding {@code credentials}, labelled like the run's other objects. */
    static Secret secret(String attempt, Map<String, String> labels, List<Credential> credentials) {
        Map<String, Object> auths = new LinkedHashMap<>();
        for (Credential c : credentials) {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (c.identityToken()) {
                entry.put("identitytoken", c.secret());
            } else {
                entry.put("username", c.username());
                entry.put("password", c.secret());
                entry.put("auth", base64(c.username() + ":" + c.secret()));
            }
            auths.put(RegistryHosts.serverAddress(c.registry()), entry);
        }
        String json;
        try {
            json = JSON.writeValueAsString(Map.of("auths", auths));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a dockerconfigjson map is always serialisable", e);
        }
        return new SecretBuilder().withNewMetadata().withName(name(attempt)).withLabels(labels).endMetadata()
                .withType(TYPE).withData(Map.of(KEY, base64(json))).build();
    }

    /** Adds the Secret {@code name} to the pod template's {@code imagePullSecrets}. */
    static void reference(Job job, String name) {
        List<LocalObjectReference> refs = new ArrayList<>(Optional.ofNullable(
                job.getSpec().getTemplate().getSpec().getImagePullSecrets()).orElse(List.of()));
        refs.add(new LocalObjectReference(name));
        job.getSpec().getTemplate().getSpec().setImagePullSecrets(refs);
    }

    /**
     * The per-run pull Secret for the registries of {@code image} (and of the helper image when the
     * Job has helper containers) that have credentials, referenced by the Job's pod; empty when none do.
     *
     * @throws ImageNotAvailableException ({@link FailureReason#IMAGE_AUTH_FAILED}) when configured
     *     credentials cannot be read now (nothing exists yet)
     */
    static Optional<Secret> forRun(RunnerConfig config, ImageReference image, String attempt, Job job, LogSink log) {
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        List<Credential> credentials = resolve(config, image, !pod.getInitContainers().isEmpty() || pod.getContainers().size() > 1);
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        Secret secret = secret(attempt, job.getMetadata().getLabels(), credentials);
        reference(job, secret.getMetadata().getName());
        log.line(LogSink.Stream.SYSTEM, "image pull secret " + secret.getMetadata().getName() + " for "
                + credentials.stream().map(c -> c.registry() + " (credentials from " + c.source() + ")")
                .collect(Collectors.joining(", ")));
        return Optional.of(secret);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
