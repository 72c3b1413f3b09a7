package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ContainerUser;
import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.plugin.model.RequestDefaults;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.Ulimit;
import dev.containerrunner.plugin.model.ImagePattern;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container_runner configuration (public API: these keys are what users write under
 * {@code apps.container_runner}). Every value is validated when the engine starts; unknown keys,
 * malformed values or a default above its maximum refuse the configuration.
 *
 * <p>With no configuration the policy is the safest one: no image is allowed, no network, the
 * default maxima below, non-root user {@code 65534:65534}.
 *
 * <p>Numbers are read by value and range ({@code WholeNumbers}): a number outside its range, a
 * fraction where a whole number is needed, or a quoted number is refused naming the key and the
 * range, never wrapped or clamped.
 *
 * @param user always the canonical {@code uid:gid} of {@link ContainerUser} (a uid alone gets the
 *             same gid), whatever spelling the configuration used
 * @param allowedUsers the other users a task may ask for with its {@code user} kwarg ({@code allowed_users};
 *             the configured {@code user} is always allowed)
 * @param maxShmSize the largest {@code shm_size} a task may ask for ({@code max_shm_size})
 * @param maxUlimits the largest hard value of each accepted {@code ulimits} name ({@code max_ulimits})
 * @param profiles the pod profiles ({@code profiles}; Kubernetes only), one of which a run may name
 * @param secrets the values tasks may ask for by name ({@code secrets}; see {@link SecretsConfig})
 */
public record RunnerConfig(
        List<ImagePattern> allowedImages,
        Duration defaultTimeout,
        Duration maxTimeout,
        MemorySize defaultMemory,
        MemorySize maxMemory,
        double defaultCpu,
        double maxCpu,
        boolean networkAllowed,
        boolean hostNetworkAllowed,
        boolean cleanupAfterRun,
        Optional<String> dockerHost,
        String user,
        long pidsLimit,
        long maxOutputBytes,
        long maxOutputFileBytes,
        Duration stopGrace,
        boolean readOnlyRootFilesystem,
        Optional<String> runtime,
        Optional<String> auditLog,
        boolean auditStartLines,
        Duration collectRetention,
        Duration janitorInterval,
        long maxInlineBytes,
        boolean collectFromOtherRuns,
        Optional<S3Config> s3,
        int maxConcurrentContainers,
        boolean engineLogs,
        Backend backend,
        KubernetesConfig kubernetes,
        RegistryConfig registry,
        List<UserRange> allowedUsers,
        MemorySize maxShmSize,
        Map<String, Long> maxUlimits,
        CollectLimits collectLimits,
        PodProfiles profiles,
        SecretsConfig secrets) {

    static final String APP = "container_runner";

    public RunnerConfig {
        user = ContainerUser.parse(user).toString();
        allowedUsers = List.copyOf(allowedUsers);
        maxUlimits = Map.copyOf(maxUlimits);
    }
    /** Docker's default size of {@code /dev/shm}, and the default {@code max_shm_size}. */
    public static final String DEFAULT_MAX_SHM_SIZE = "64m";
    /** The default {@code max_ulimits.nofile}: below the hard limit of any engine seen (this one's: 20000). */
    public static final int DEFAULT_MAX_NOFILE = 4096;
    private static final int LONGEST_TIMEOUT = (int) RunRequest.LONGEST_TIMEOUT_SECONDS;

    /** The configuration used when none is given. */
    public static RunnerConfig defaults() {
        return from(Map.of());
    }

    /**
     * Reads and validates the app's configuration section.
     *
     * @throws InvalidConfigurationException naming the first key that is unknown, mistyped, malformed
     *         or out of range
     */
    public static RunnerConfig from(Map<String, Object> section) {
        ConfigReader r = new ConfigReader(APP, section);
        List<ImagePattern> allowed = r.stringList("allowed_images").stream().map(entry -> {
            try {
                return ImagePattern.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(APP, "allowed_images", "has a bad entry: " + e.getMessage());
            }
        }).toList();
        int maxTimeout = r.intValue(List.of("max_timeout", "max_timeout_seconds"), 3600, 1, LONGEST_TIMEOUT);
        int defaultTimeout = r.intValue(List.of("default_timeout"), Math.min(300, maxTimeout), 1, LONGEST_TIMEOUT);
        r.check(defaultTimeout <= maxTimeout, "default_timeout", "(" + defaultTimeout + ") is above max_timeout (" + maxTimeout + ")");
        MemorySize maxMemory = r.memory("max_memory", "4g");
        MemorySize defaultMemory = r.memory("default_memory", "512m");
        r.check(defaultMemory.compareTo(maxMemory) <= 0, "default_memory",
                "(" + defaultMemory + ") is above max_memory (" + maxMemory + ")");
        r.check(defaultMemory.bytes() >= MIN_MEMORY, "default_memory", "must be at least 6m (the engine's minimum)");
        double maxCpu = r.number("max_cpu", 4.0, RunRequest.LEAST_CPUS, RunRequest.MOST_CPUS);
        double defaultCpu = r.number("default_cpu", Math.min(1.0, maxCpu), RunRequest.LEAST_CPUS, RunRequest.MOST_CPUS);
        r.check(defaultCpu <= maxCpu, "default_cpu", "(" + defaultCpu + ") is above max_cpu (" + maxCpu + ")");
        boolean network = r.bool(List.of("network_allowed", "enable_network"), false);
        boolean host = r.bool(List.of("host_network_allowed"), false);
        r.check(!host || network, "host_network_allowed", "needs network_allowed: true as well");
        boolean cleanup = r.bool(List.of("cleanup_after_run"), true);
        Optional<String> dockerHost = r.optionalString("docker_host");
        dockerHost.ifPresent(h -> r.checked("docker_host", () -> Endpoints.dockerHost(h)));
        String user = r.user("user", ContainerUser.NOBODY).toString();
        long pids = r.intValue(List.of("pids_limit"), 256, 8, 1 << 22);
        long maxOutput = r.intValue(List.of("max_output_bytes"), 10 << 20, 1024, Integer.MAX_VALUE);
        long maxOutputFile = r.intValue(List.of("max_output_file_bytes"), 16 << 20, 1024, Integer.MAX_VALUE - 8);
        int grace = r.intValue(List.of("stop_grace_seconds"), 10, 0, 600);
        boolean readOnly = r.bool(List.of("read_only_root_filesystem"), false);
        Optional<String> runtime = r.optionalString("runtime");
        runtime.ifPresent(rt -> r.check(rt.matches("[A-Za-z0-9_.-]+"), "runtime", "must be an OCI runtime name such as 'runsc'"));
        Optional<String> audit = r.optionalString("audit_log");
        boolean auditStartLines = r.bool(List.of("audit_start_lines"), false);
        int retention = r.intValue(List.of("collect_retention_seconds"), 600, 0, 7 * 24 * 3600);
        int janitor = r.intValue(List.of("janitor_interval_seconds"), 30, 1, 3600);
        long maxInline = r.intValue(List.of("max_inline_bytes"), 1 << 20, 0, 64 << 20);
        boolean otherRuns = r.bool(List.of("collect_from_other_runs"), false);
        CollectLimits collectLimits = CollectLimits.read(r, maxInline);
        Optional<S3Config> s3 = r.section("s3").map(S3Config::read);
        int maxConcurrent = r.intValue(List.of("max_concurrent_containers"), 16, 1, 1024);
        boolean engineLogs = r.bool(List.of("engine_logs"), false);
        Backend backend;
        try {
            backend = Backend.parse(r.string("backend", "docker"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(APP, "backend", e.getMessage());
        }
        Optional<KubernetesConfig> kubernetes = r.section("kubernetes").map(KubernetesConfig::read);
        PodProfiles profiles = ProfileReader.read(r, maxCpu, maxMemory, runtime);
        if (backend == Backend.KUBERNETES) {
            r.check(!host, "host_network_allowed", "is not supported with backend: kubernetes (pods never share the node's"
                    + " network here)");
            r.check(dockerHost.isEmpty(), "docker_host", "only applies to backend: docker");
            r.check(!engineLogs, "engine_logs", "only applies to backend: docker (the kubelet keeps pod logs)");
            r.check(!r.given("pids_limit"), "pids_limit", "only applies to backend: docker: a pod has no per-container pids"
                    + " limit (the kubelet's podPidsLimit is a node setting); leave it out and set podPidsLimit on the nodes");
            r.check(!r.given("max_ulimits"), "max_ulimits", "only applies to backend: docker: the ulimits kwarg is refused on"
                    + " Kubernetes (a pod has no field for them; the node's runtime sets them for every pod); leave it out");
        } else {
            r.check(kubernetes.isEmpty(), "kubernetes", "only applies to backend: kubernetes (set backend: kubernetes)");
            r.check(profiles.isEmpty(), "profiles", "only apply to backend: kubernetes: every profile key places or sizes a"
                    + " pod (nodes, taints, priority, requests, storage, RuntimeClass), and the Docker backend has no such"
                    + " thing (its OCI runtime is the runtime key)");
            r.check(runtime.filter(RunnerConfig::isGvisor).isEmpty() || pids >= MIN_GVISOR_PIDS, "pids_limit", "(" + pids
                    + ") is too low for runtime " + runtime.orElse("") + ": under gVisor the pids limit counts the sandbox's own"
                    + " threads (about 45 idle, over 120 with 10 processes, measured), and below " + MIN_GVISOR_PIDS
                    + " every run dies at start; use 1024 or more");
        }
        List<UserRange> allowedUsers = r.stringList("allowed_users").stream().map(entry -> {
            try {
                return UserRange.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(APP, "allowed_users", "has a bad entry: " + e.getMessage());
            }
        }).toList();
        MemorySize maxShm = r.memory("max_shm_size", DEFAULT_MAX_SHM_SIZE);
        long maxNofile = r.section("max_ulimits").map(u -> {
            int nofile = u.intValue(List.of(Ulimit.NOFILE), DEFAULT_MAX_NOFILE, (int) Ulimit.LEAST, (int) Ulimit.MOST);
            u.rejectUnknown();
            return (long) nofile;
        }).orElse((long) DEFAULT_MAX_NOFILE);
        RegistryConfig registry = RegistryConfig.read(r, allowed, backend, kubernetes.orElseGet(KubernetesConfig::defaults));
        SecretsConfig secrets = SecretsConfig.read(r);
        r.rejectUnknown();
        return new RunnerConfig(allowed, Duration.ofSeconds(defaultTimeout), Duration.ofSeconds(maxTimeout), defaultMemory,
                maxMemory, defaultCpu, maxCpu, network, host, cleanup, dockerHost, user, pids, maxOutput, maxOutputFile,
                Duration.ofSeconds(grace), readOnly, runtime, audit, auditStartLines, Duration.ofSeconds(retention), Duration.ofSeconds(janitor),
                maxInline, otherRuns, s3, maxConcurrent, engineLogs, backend, kubernetes.orElseGet(KubernetesConfig::defaults),
                registry, allowedUsers, maxShm, Map.of(Ulimit.NOFILE, maxNofile), collectLimits, profiles,
                secrets);
    }

    /** The smallest pids_limit a gVisor (runsc) sandbox starts with; see {@link #isGvisor}. */
    static final int MIN_GVISOR_PIDS = 128;

    /** Whether {@code runtime} names gVisor ({@code runsc}, or a runtime named after gVisor). */
    public static boolean isGvisor(String runtime) {
        String r = runtime.toLowerCase(java.util.Locale.ROOT);
        return r.contains("runsc") || r.contains("gvisor");
    }

    /** The engine refuses memory limits under 6 MiB. */
    public static final long MIN_MEMORY = MemorySize.ENGINE_MINIMUM;

    /**
     * The pids limit each container really gets: {@link #pidsLimit()} on Docker, empty on Kubernetes
     * (a pod has no per-container pids limit), so the audit line never claims a limit not applied.
     */
    public java.util.OptionalLong appliedPidsLimit() {
        return backend == Backend.KUBERNETES ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(pidsLimit);
    }

    /** The {@link #user()} as numbers. */
    public ContainerUser userIds() {
        return ContainerUser.parse(user);
    }

    /** What run requests take for the kwargs they leave out. */
    public RequestDefaults requestDefaults() {
        return RequestDefaults.of(defaultTimeout, defaultMemory, defaultCpu, userIds());
    }
}
