package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.KubernetesConfig;
import dev.containerrunner.plugin.model.SecretRefs;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's secrets on Kubernetes, built without I/O: a per-run Opaque Secret
 * {@code container-runner-<attempt>-secrets} holding the values the run uses (created after the
 * paused Job and before its pod can exist, owned by the Job, deleted as soon as the main container
 * started, and with the run); the values reach the main container only by reference, never in the
 * Job or pod spec:
 *
 * <ul>
 *   <li>files: an init container ({@code helper_image}, as the run's user) copies each from the
 *       Secret, mounted only into it, to a memory-backed emptyDir with mode 0400 — so each file is
 *       {@code /run/secrets/NAME} owned by the container user, mode 0400, on a tmpfs, which the main
 *       container mounts read-only. (Mounted directly, a Secret volume's files are root's, mode
 *       0440 for the fsGroup: the kubelet adds group read for {@code fsGroup}.)</li>
 *   <li>{@code secret_env}: {@code valueFrom.secretKeyRef} to the same Secret.</li>
 * </ul>
 */
final class SecretObjects {

    static final String INIT = "prepare-secrets";
    static final String SOURCE_VOLUME = "secrets-source";
    static final String FILES_VOLUME = "run-secrets";
    static final String SOURCE_MOUNT = "/container-runner/secrets-source";
    static final String HELPER_MOUNT = "/container-runner/secrets";
    /** The tmpfs of the files: the values (at most 15 of 64 KiB) with room to spare; it counts as the pod's memory. */
    static final Quantity FILES_SIZE = new Quantity("2Mi");
    /** Copies each named file with mode 0400 (umask 0377); {@code $0} is the container's name, then the names. */
    static final String COPY = "set -e; umask 0377; for n in \"$@\"; do cat \"" + SOURCE_MOUNT + "/$n\" > \"" + HELPER_MOUNT
            + "/$n\"; done";

    private SecretObjects() {
    }

    /** The per-run Secret's name. */
    static String name(String attempt) {
        return PodSpecs.jobName(attempt) + "-secrets";
    }

    /** The Secret holding {@code values} (secret name to value), labelled like the run's other objects. */
    static Secret secret(String attempt, Map<String, String> labels, Map<String, byte[]> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((name, value) -> data.put(name, Base64.getEncoder().encodeToString(value)));
        return new SecretBuilder().withNewMetadata().withName(name(attempt)).withLabels(labels).endMetadata()
                .withType("Opaque").withData(data).build();
    }

    /**
     * Adds to {@code job}'s pod template what delivers {@code refs}: the files' volumes, init
     * container and read-only mount at {@value SecretRefs#DIRECTORY}, and the {@code secret_env}
     * variables by reference.
     */
    static void mount(Job job, SecretRefs refs, String attempt, KubernetesConfig k) {
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container main = pod.getContainers().stream().filter(c -> c.getName().equals(PodSpecs.MAIN)).findFirst().orElseThrow();
        if (!refs.files().isEmpty()) {
            List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>(pod.getVolumes());
            volumes.add(new VolumeBuilder().withName(SOURCE_VOLUME).withNewSecret().withSecretName(name(attempt))
                    .withDefaultMode(0400).endSecret().build());
            volumes.add(new VolumeBuilder().withName(FILES_VOLUME).withNewEmptyDir().withMedium("Memory")
                    .withSizeLimit(FILES_SIZE).endEmptyDir().build());
            pod.setVolumes(volumes);
            List<String> command = new ArrayList<>(List.of("sh", "-c", COPY, INIT));
            command.addAll(refs.files());
            List<Container> init = new ArrayList<>(pod.getInitContainers());
            init.add(PodSpecs.helper(k, INIT, command, List.of(mount(SOURCE_VOLUME, SOURCE_MOUNT, true),
                    mount(FILES_VOLUME, HELPER_MOUNT, false))));
            pod.setInitContainers(init);
            List<VolumeMount> mounts = new ArrayList<>(main.getVolumeMounts());
            mounts.add(mount(FILES_VOLUME, SecretRefs.DIRECTORY, true));
            main.setVolumeMounts(mounts);
        }
        List<EnvVar> env = new ArrayList<>(main.getEnv());
        refs.environment().forEach((variable, secret) -> env.add(new EnvVarBuilder().withName(variable).withNewValueFrom()
                .withNewSecretKeyRef().withName(name(attempt)).withKey(secret).withOptional(false).endSecretKeyRef()
                .endValueFrom().build()));
        main.setEnv(env);
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }
}
