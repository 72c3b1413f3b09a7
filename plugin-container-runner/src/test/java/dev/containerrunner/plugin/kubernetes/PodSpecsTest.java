package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.RunRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Job, Secret and NetworkPolicy of a run, field by field (no cluster involved). */
class PodSpecsTest {

    private static final String ATTEMPT = "0123456789abcdef0123456789abcdef";

    private static RunnerConfig config(Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"),
                "stop_grace_seconds", 4, "kubernetes", Map.of("helper_image", "helper:1", "service_account", "tasks")));
        c.putAll(extra);
        return RunnerConfig.from(c);
    }

    private static PodSpecs.RunObjects build(RunnerConfig config, Map<String, Object> kwargs) {
        RunRequest request = RunRequest.from("run_with_input", kwargs, config.requestDefaults());
        KubeLabels.Metadata meta = KubeLabels.forAttempt(new TestContext("task one"), ATTEMPT, Instant.ofEpochSecond(2_000_000_000L),
                Duration.ofSeconds(600), true);
        return PodSpecs.build(request, config, ATTEMPT, meta, Duration.ofSeconds(1000));
    }

    @Test
    void theJobIsPausedHasNoRetriesAndADeadline() {
        PodSpecs.RunObjects o = build(config(Map.of()), Map.of("image", "python:3.11-slim"));
        assertEquals("container-runner-" + ATTEMPT, o.name());
        assertEquals(0, o.job().getSpec().getParallelism(), "created paused: its Secret and policy exist before its pod");
        assertEquals(0, o.job().getSpec().getBackoffLimit());
        assertEquals(1, o.job().getSpec().getCompletions());
        assertEquals(1000L, o.job().getSpec().getActiveDeadlineSeconds());
        assertEquals("Never", o.job().getSpec().getTemplate().getSpec().getRestartPolicy());
        Map<String, String> labels = o.job().getMetadata().getLabels();
        assertEquals(Labels.APP, labels.get(Labels.MANAGED_BY));
        assertEquals("run-task-one", labels.get(Labels.RUN), "sanitised for a label value");
        assertEquals("run-task one", o.job().getMetadata().getAnnotations().get(Labels.RUN), "exact in the annotation");
        assertEquals("2000000000", labels.get(Labels.EXPIRES_AT));
        assertEquals(Map.of(Labels.ATTEMPT, ATTEMPT), o.job().getSpec().getTemplate().getMetadata().getLabels(),
                "pods carry only the attempt (the Docker janitor must not take them for its containers)");
    }

    @Test
    void thePodIsHardened() {
        PodSpec pod = build(config(Map.of()), Map.of("image", "python:3.11-slim", "memory_limit", "256m", "cpu_limit", 0.5))
                .job().getSpec().getTemplate().getSpec();
        assertEquals(false, pod.getAutomountServiceAccountToken());
        assertEquals("tasks", pod.getServiceAccountName());
        assertEquals(false, pod.getHostNetwork());
        assertEquals(false, pod.getHostPID());
        assertEquals(false, pod.getHostIPC());
        assertEquals(false, pod.getEnableServiceLinks());
        assertEquals(4L, pod.getTerminationGracePeriodSeconds());
        assertEquals(true, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(65534L, pod.getSecurityContext().getRunAsUser());
        assertEquals(65534L, pod.getSecurityContext().getRunAsGroup());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertTrue(pod.getVolumes().stream().allMatch(v -> v.getHostPath() == null), "no hostPath");
        Container main = pod.getContainers().get(0);
        assertEquals("main", main.getName());
        assertEquals("docker.io/library/python:3.11-slim", main.getImage());
        assertEquals("IfNotPresent", main.getImagePullPolicy());
        SecurityContext sc = main.getSecurityContext();
        assertEquals(false, sc.getAllowPrivilegeEscalation());
        assertEquals(false, sc.getPrivileged());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertEquals(false, sc.getReadOnlyRootFilesystem());
        Map<String, Quantity> limits = main.getResources().getLimits();
        assertEquals(limits, main.getResources().getRequests(), "limits = requests");
        assertEquals(256L << 20, Quantity.getAmountInBytes(limits.get("memory")).longValue());
        assertEquals(new Quantity("500m"), limits.get("cpu"));
        assertEquals(1, pod.getContainers().size(), "no keeper without output directories");
        assertTrue(pod.getInitContainers().isEmpty());
    }

    @Test
    void readOnlyRootAndRuntimeClassFollowTheConfiguration() {
        PodSpec pod = build(config(Map.of("read_only_root_filesystem", true, "runtime", "gvisor")), Map.of("image", "a:1"))
                .job().getSpec().getTemplate().getSpec();
        assertEquals(true, pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals("gvisor", pod.getRuntimeClassName());
    }

    @Test
    void commandArgsEnvStdinAndPullPolicyMapToTheContainer() {
        Container main = build(config(Map.of()), Map.of("image", "a:1", "command", List.of("sh", "-c"), "args", List.of("cat"),
                "environment", Map.of("A", "1"), "input_data", "x", "pull_policy", "never"))
                .job().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("sh", "-c"), main.getCommand());
        assertEquals(List.of("cat"), main.getArgs());
        assertEquals("A", main.getEnv().get(0).getName());
        assertEquals("1", main.getEnv().get(0).getValue());
        assertEquals(true, main.getStdin());
        assertEquals(true, main.getStdinOnce(), "one attach: its end closes stdin");
        assertEquals("Never", main.getImagePullPolicy());
        Container plain = build(config(Map.of()), Map.of("image", "a:1")).job().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(false, plain.getStdin());
        assertNull(plain.getCommand());
    }

    @Test
    void inputFileGoesThroughASecretAndAnInitContainerIntoAnEmptyDir() {
        PodSpecs.RunObjects o = build(config(Map.of()), Map.of("image", "a:1",
                "input_file", Map.of("path", "/work/in/data.txt", "content", "hello"), "output_file", "/work/out/r.txt"));
        assertEquals("aGVsbG8=", o.inputSecret().orElseThrow().getData().get("content"));
        PodSpec pod = o.job().getSpec().getTemplate().getSpec();
        Container prepare = pod.getInitContainers().get(0);
        assertEquals("helper:1", prepare.getImage());
        assertEquals(List.of("cp", "/container-runner/input/content", "/container-runner/dirs/0/in/data.txt"), prepare.getCommand());
        assertEquals(true, prepare.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), prepare.getSecurityContext().getCapabilities().getDrop());
        Container main = pod.getContainers().get(0);
        assertEquals(List.of("/work/in", "/work/out"), main.getVolumeMounts().stream().map(m -> m.getMountPath()).toList());
        Container keeper = pod.getContainers().get(1);
        assertEquals("keeper", keeper.getName());
        assertEquals(List.of("/container-runner/dirs/0/in", "/container-runner/dirs/1/out"),
                keeper.getVolumeMounts().stream().map(m -> m.getMountPath()).toList());
        assertEquals(keeper.getResources().getLimits(), keeper.getResources().getRequests());
        assertTrue(pod.getVolumes().stream().filter(v -> v.getName().startsWith("dir-")).allMatch(v -> v.getEmptyDir() != null));
        assertEquals("/work/in\n/work/out", o.job().getMetadata().getAnnotations().get(KubeLabels.COLLECTABLE_DIRS));
    }

    @Test
    void networkNoneIsADenyAllPolicyForThisRunsPodOnly() {
        PodSpecs.RunObjects o = build(config(Map.of()), Map.of("image", "a:1"));
        var policy = o.networkPolicy().orElseThrow();
        assertEquals(Map.of(Labels.ATTEMPT, ATTEMPT), policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertTrue(policy.getSpec().getIngress().isEmpty() && policy.getSpec().getEgress().isEmpty());
        PodSpecs.RunObjects bridge = build(config(Map.of("network_allowed", true)), Map.of("image", "a:1", "network", "bridge"));
        assertEquals(Optional.empty(), bridge.networkPolicy());
        PodSpecs.RunObjects off = build(RunnerConfig.from(Map.of("backend", "kubernetes",
                "kubernetes", Map.of("network_policy", false))), Map.of("image", "a:1"));
        assertFalse(off.networkPolicy().isPresent());
    }

    @Test
    void helperPathsMapTheLongestDirectory() {
        RunDirs dirs = new RunDirs(List.of("/out", "/out/deep"), true);
        assertEquals(Optional.of("/container-runner/dirs/0/out/a.txt"), dirs.helperPath("/out/a.txt"));
        assertEquals(Optional.of("/container-runner/dirs/1/deep/x"), dirs.helperPath("/out/deep/x"));
        assertEquals(Optional.of("/container-runner/dirs/0/out"), dirs.helperPath("/out"));
        assertEquals(Optional.empty(), dirs.helperPath("/outside"));
        assertEquals(Optional.empty(), dirs.helperPath("/etc/passwd"));
    }

    @Test
    void labelValuesAreSanitised() {
        assertEquals("a-b_c.d", KubeLabels.sanitize("a b_c.d"));
        assertEquals("x", KubeLabels.sanitize("---"));
        assertEquals(63, KubeLabels.sanitize("a".repeat(100)).length());
        assertEquals("sha256-abc", PodStates.digestOf("docker://sha256-abc"));
        assertEquals("sha256:abc", PodStates.digestOf("docker-pullable://python@sha256:abc"));
    }
}
