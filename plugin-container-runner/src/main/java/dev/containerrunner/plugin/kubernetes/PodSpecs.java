package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.KubernetesConfig;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.NetworkMode;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes objects of one run, built without I/O (unit-tested field by field): a
 * {@code batch/v1} Job created paused ({@code parallelism: 0}) so its Secret and NetworkPolicy
 * exist, owned by it, before its pod does; the hardened pod template; a Secret holding a small input_file
 * (a larger one is streamed: {@link InputStreams});
 * a deny-all NetworkPolicy for network {@code none}; {@code shm_size} as a memory-backed emptyDir at
 * {@code /dev/shm}. Only fields Kubernetes 1.20 knows are used.
 */
final class PodSpecs {

    static final String MAIN = "main";
    static final String KEEPER = "keeper";
    static final String PREPARE = "prepare-input";
    static final String INPUT_MOUNT = "/container-runner/input";
    static final String INPUT_KEY = "content";
    /** shm_size: a memory-backed emptyDir of that size mounted here. */
    static final String SHM_PATH = "/dev/shm";
    static final String SHM_VOLUME = "dev-shm";
    private static final Quantity HELPER_MEMORY = new Quantity("32Mi");
    private static final Quantity HELPER_CPU = new Quantity("50m");
    private static final Duration EXPIRY_SLACK = Duration.ofMinutes(5);

    private PodSpecs() {
    }

    /** The objects to create; {@code job} first, the others owned by it. */
    record RunObjects(String name, Job job, Optional<Secret> inputSecret, Optional<NetworkPolicy> networkPolicy, RunDirs dirs) {
    }

    static String jobName(String attempt) {
        return "container-runner-" + attempt;
    }

    /**
     * The objects of a run started now: they expire (label and {@code activeDeadlineSeconds}) after
     * the longest the run may take, plus its collect_output retention and some slack.
     */
    static RunObjects forAttempt(RunRequest request, RunnerConfig config, ActionContext ctx, String attempt) {
        Duration life = config.kubernetes().startTimeout().plus(request.timeout()).plus(config.stopGrace())
                .plus(EXPIRY_SLACK).plus(config.collectRetention());
        KubeLabels.Metadata meta = KubeLabels.forAttempt(ctx, attempt, Instant.now().plus(life), config.collectRetention(),
                config.cleanupAfterRun());
        return build(request, config, attempt, meta, life);
    }

    static RunObjects build(RunRequest request, RunnerConfig config, String attempt, KubeLabels.Metadata meta,
                            Duration activeDeadline) {
        KubernetesConfig k = config.kubernetes();
        String name = jobName(attempt);
        RunDirs dirs = RunDirs.of(request);
        Map<String, String> annotations = new java.util.LinkedHashMap<>(meta.annotations());
        annotations.put(KubeLabels.COLLECTABLE_DIRS, dirs.annotation());
        ObjectMeta jobMeta = new ObjectMetaBuilder().withName(name).withLabels(meta.labels()).withAnnotations(annotations).build();

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mainMounts = new ArrayList<>();
        List<VolumeMount> helperMounts = new ArrayList<>();
        for (int i = 0; i < dirs.dirs().size(); i++) {
            String volume = RunDirs.volumeName(i);
            volumes.add(new VolumeBuilder().withName(volume).withNewEmptyDir().endEmptyDir().build());
            mainMounts.add(mount(volume, dirs.dirs().get(i), false));
            helperMounts.add(mount(volume, dirs.helperMount(i), false));
        }
        Optional<Secret> secret = request.inputFile().filter(f -> !InputStreams.streamed(f)).map(f -> new SecretBuilder()
                .withNewMetadata().withName(name).withLabels(meta.labels()).endMetadata()
                .withType("Opaque")
                .withData(Map.of(INPUT_KEY, Base64.getEncoder().encodeToString(f.content())))
                .build());
        List<Container> initContainers = new ArrayList<>();
        if (secret.isPresent()) { // a larger input_file is streamed (InputStreams)
            volumes.add(new VolumeBuilder().withName("input-source").withNewSecret().withSecretName(name).withDefaultMode(0644)
                    .endSecret().build());
            List<VolumeMount> prepareMounts = new ArrayList<>(helperMounts);
            prepareMounts.add(mount("input-source", INPUT_MOUNT, true));
            String target = dirs.helperPath(request.inputFile().get().path().value()).orElseThrow();
            initContainers.add(helper(k, PREPARE, List.of("cp", INPUT_MOUNT + "/" + INPUT_KEY, target), prepareMounts));
        }
        request.shmSize().ifPresent(shm -> {
            // memory-backed: what is written there counts against the container's memory limit
            volumes.add(new VolumeBuilder().withName(SHM_VOLUME).withNewEmptyDir().withMedium("Memory")
                    .withSizeLimit(new Quantity(Long.toString(shm.bytes()))).endEmptyDir().build());
            mainMounts.add(mount(SHM_VOLUME, SHM_PATH, false));
        });
        List<Container> containers = new ArrayList<>();
        containers.add(main(request, config, mainMounts));
        if (dirs.collectable()) {
            // keeps the run's directories readable after the main container exits (collect_output, output_file)
            containers.add(helper(k, KEEPER, List.of("sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 1; done"),
                    helperMounts));
        }
        long[] ids = {request.user().uid(), request.user().gid()};
        Job job = new JobBuilder()
                .withMetadata(jobMeta)
                .withNewSpec()
                    .withParallelism(0)
                    .withCompletions(1)
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(Math.max(1, activeDeadline.toSeconds()))
                    .withNewTemplate()
                        .withNewMetadata().withLabels(Map.of(KubeLabels.POD_ATTEMPT, attempt)).withAnnotations(annotations)
                        .endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withTerminationGracePeriodSeconds(JobControl.gracefulSeconds(config.stopGrace()))
                            .withAutomountServiceAccountToken(false)
                            .withServiceAccountName(k.serviceAccount().orElse(null))
                            .withEnableServiceLinks(false)
                            .withHostNetwork(false)
                            .withHostPID(false)
                            .withHostIPC(false)
                            .withShareProcessNamespace(false)
                            .withRuntimeClassName(config.runtime().orElse(null))
                            .withImagePullSecrets(k.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
                            .withSecurityContext(new PodSecurityContextBuilder()
                                    .withRunAsNonRoot(true)
                                    .withRunAsUser(ids[0])
                                    .withRunAsGroup(ids[1])
                                    .withFsGroup(ids[1])
                                    .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                                    .build())
                            .withInitContainers(initContainers)
                            .withContainers(containers)
                            .withVolumes(volumes)
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        // after the hardening, and touching none of it (pod profiles: placement, priority, resources)
        config.profiles().resolve(request.profile()).ifPresent(p -> ProfileSpec.applyTo(p, job.getSpec().getTemplate()));
        Optional<NetworkPolicy> policy = Optional.empty();
        if (request.network() == NetworkMode.NONE && k.networkPolicy()) {
            policy = Optional.of(new NetworkPolicyBuilder()
                    .withNewMetadata().withName(name).withLabels(meta.labels()).endMetadata()
                    .withNewSpec()
                        .withNewPodSelector().withMatchLabels(Map.of(KubeLabels.POD_ATTEMPT, attempt)).endPodSelector()
                        .withPolicyTypes("Ingress", "Egress") // no rules: nothing in, nothing out
                    .endSpec()
                    .build());
        }
        return new RunObjects(name, job, secret, policy, dirs);
    }

    private static Container main(RunRequest request, RunnerConfig config, List<VolumeMount> mounts) {
        Quantity memory = new Quantity(Long.toString(request.memory().bytes()));
        Quantity cpu = new Quantity(Math.max(1, Math.round(request.cpu() * 1000)) + "m");
        List<EnvVar> env = new ArrayList<>();
        request.environment().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        boolean stdin = request.inputData().isPresent();
        return new ContainerBuilder()
                .withName(MAIN)
                .withImage(request.image().canonical())
                .withImagePullPolicy(pullPolicy(request.pullPolicy()))
                .withCommand(request.command().orElse(null))
                .withArgs(request.args().isEmpty() ? null : request.args())
                .withEnv(env)
                .withStdin(stdin)
                .withStdinOnce(stdin)
                .withTty(false)
                .withWorkingDir(request.workingDir().map(ContainerPath::value).orElse(null))
                .withResources(limits(memory, cpu))
                .withSecurityContext(hardened(config.readOnlyRootFilesystem()))
                .withVolumeMounts(mounts)
                .withTerminationMessagePolicy("File")
                .build();
    }

    /** A helper container ({@code helper_image}, hardened, read-only root, small limits) running {@code command}. */
    static Container helper(KubernetesConfig k, String name, List<String> command, List<VolumeMount> mounts) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(k.helperImage())
                .withImagePullPolicy("IfNotPresent")
                .withCommand(command)
                .withResources(limits(HELPER_MEMORY, HELPER_CPU))
                .withSecurityContext(hardened(true))
                .withVolumeMounts(mounts)
                .build();
    }

    /** limits = requests: the pod gets exactly what it may use (Guaranteed QoS). */
    private static ResourceRequirements limits(Quantity memory, Quantity cpu) {
        return new ResourceRequirementsBuilder()
                .withLimits(Map.of("memory", memory, "cpu", cpu))
                .withRequests(Map.of("memory", memory, "cpu", cpu))
                .build();
    }

    private static SecurityContext hardened(boolean readOnlyRoot) {
        return new SecurityContextBuilder()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withCapabilities(new Capabilities(null, List.of("ALL")))
                .withReadOnlyRootFilesystem(readOnlyRoot)
                .withRunAsNonRoot(true)
                .build();
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        VolumeMount m = new VolumeMount();
        m.setName(volume);
        m.setMountPath(path);
        m.setReadOnly(readOnly);
        return m;
    }

    static String pullPolicy(PullPolicy p) {
        return switch (p) {
            case ALWAYS -> "Always";
            case NEVER -> "Never";
            case IF_NOT_PRESENT -> "IfNotPresent";
        };
    }

    /** An owner reference to the created Job: its dependents go when it goes. */
    static OwnerReference ownedBy(Job created) {
        return new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withName(created.getMetadata().getName()).withUid(created.getMetadata().getUid())
                .withController(false).withBlockOwnerDeletion(false).build();
    }
}
