package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The {@code profiles} section: read into typed profiles, every value checked, weakening keys refused. */
class PodProfilesConfigTest {

    private static RunnerConfig kube(Map<String, Object> profiles, Object... extra) {
        Map<String, Object> c = new HashMap<>(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"),
                "profiles", profiles));
        for (int i = 0; i < extra.length; i += 2) {
            c.put((String) extra[i], extra[i + 1]);
        }
        return RunnerConfig.from(c);
    }

    private static InvalidConfigurationException refused(Map<String, Object> profile, Object... extra) {
        return assertThrows(InvalidConfigurationException.class, () -> kube(Map.of("p", profile), extra));
    }

    @Test
    void theIssuesExampleIsReadIntoTypedValues() {
        RunnerConfig c = kube(Map.of("batch-pool", Map.of(
                "node_selector", Map.of("pool", "batch"),
                "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "batch", "effect", "NoSchedule")),
                "priority_class_name", "low-priority",
                "ephemeral_storage", Map.of("request", "1Gi", "limit", "4Gi"))));
        PodProfile p = c.profiles().byName().get("batch-pool");
        assertEquals(Map.of("pool", "batch"), p.nodeSelector());
        assertEquals(List.of(new ProfileToleration(Optional.of("dedicated"), "Equal", Optional.of("batch"),
                Optional.of("NoSchedule"), Optional.empty())), p.tolerations());
        assertEquals(Optional.of("low-priority"), p.priorityClassName());
        assertEquals(1L << 30, p.ephemeralRequest().orElseThrow().bytes());
        assertEquals(4L << 30, p.ephemeralLimit().orElseThrow().bytes());
        assertEquals("4Gi", p.ephemeralLimit().orElseThrow().text());
        assertTrue(p.requests().isEmpty());
        assertTrue(p.admits(ImageReference.parse("anything:1")), "no allowed_images: every allowed image");
    }

    @Test
    void everyKeyIsRead() {
        PodProfile p = kube(Map.of("gpu", Map.of(
                "affinity", Map.of("required", List.of(Map.of("match_expressions", List.of(
                                Map.of("key", "pool", "operator", "In", "values", List.of("gpu", "gpu-spot")),
                                Map.of("key", "cores", "operator", "Gt", "values", List.of("4"))))),
                        "preferred", List.of(Map.of("weight", 50, "match_expressions", List.of(
                                Map.of("key", "disk", "operator", "Exists"))))),
                "requests", Map.of("cpu_request_ratio", 0.25, "memory", "128m"),
                "extended_resources", Map.of("nvidia.com/gpu", 1),
                "annotations", Map.of("cluster-autoscaler.kubernetes.io/safe-to-evict", "false"),
                "runtime_class_name", "nvidia",
                "allowed_images", List.of("registry.example.com/ml/*:*"),
                "tolerations", List.of(Map.of("operator", "Exists"),
                        Map.of("key", "gpu", "operator", "Exists", "effect", "NoExecute", "toleration_seconds", 60))))).profiles()
                .byName().get("gpu");
        NodeAffinity a = p.affinity().orElseThrow();
        assertEquals(new NodeAffinity.Expression("pool", "In", List.of("gpu", "gpu-spot")), a.required().get(0).expressions().get(0));
        assertEquals(50, a.preferred().get(0).weight());
        assertEquals(List.of(), a.preferred().get(0).term().expressions().get(0).values());
        assertEquals(Optional.of(0.25), p.requests().cpuRatio());
        assertEquals(Optional.of(MemorySize.parse("128m")), p.requests().memory());
        assertEquals(250, p.requests().cpuMillis(1000));
        assertEquals(128L << 20, p.requests().memoryBytes(512L << 20));
        assertEquals(Map.of("nvidia.com/gpu", 1L), p.extendedResources());
        assertEquals(Optional.of("nvidia"), p.runtimeClassName());
        assertEquals(Optional.of(60L), p.tolerations().get(1).tolerationSeconds());
        assertTrue(p.admits(ImageReference.parse("registry.example.com/ml/train:3")));
        assertTrue(!p.admits(ImageReference.parse("registry.example.com/ml-evil/train:3")), "globs as in allowed_images");
    }

    @Test
    void theDefaultProfileIsTakenWhenARunNamesNone() {
        PodProfiles profiles = kube(Map.of("default", Map.of("priority_class_name", "normal"), "big", Map.of())).profiles();
        assertEquals("default", profiles.resolve(Optional.empty()).orElseThrow().name());
        assertEquals("big", profiles.resolve(Optional.of("big")).orElseThrow().name());
        assertEquals(Optional.empty(), kube(Map.of("big", Map.of())).profiles().resolve(Optional.empty()));
        PodProfiles.UnknownProfileException e = assertThrows(PodProfiles.UnknownProfileException.class,
                () -> profiles.resolve(Optional.of("huge")));
        assertTrue(e.getMessage().contains("'huge' is not a configured profile (profiles: [big, default])"), e.getMessage());
    }

    @Test
    void profilesAreRefusedOnTheDockerBackend() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(Map.of(
                "profiles", Map.of("p", Map.of("node_selector", Map.of("a", "b"))))));
        assertEquals("profiles", e.key());
        assertTrue(e.getMessage().contains("only apply to backend: kubernetes"), e.getMessage());
    }

    static Stream<Arguments> weakening() {
        return Stream.of("hostPath", "host_path", "host_network", "hostNetwork", "hostPID", "host_pid", "hostIPC", "privileged",
                "capabilities", "security_context", "securityContext", "service_account", "service_account_name",
                "serviceAccountName", "automount_service_account_token", "volumes", "volume_mounts", "run_as_user",
                "allow_privilege_escalation", "seccomp_profile", "sysctls", "share_process_namespace").map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakening")
    void keysThatWouldWeakenTheHardeningAreRefusedSayingSo(String key) {
        InvalidConfigurationException e = refused(Map.of(key, true));
        assertEquals("profiles[p]." + key, e.key());
        assertTrue(e.getMessage().contains("profiles cannot weaken the hardening"), e.getMessage());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(Map.of("node_selectors", Map.of()), "profiles[p].node_selectors", "known keys: [affinity, allowed_images"),
                Arguments.of(Map.of("node_selector", Map.of("pool", 1)), "profiles[p].node_selector", "values are strings"),
                Arguments.of(Map.of("node_selector", Map.of("-pool", "a")), "profiles[p].node_selector", "not a Kubernetes name"),
                Arguments.of(Map.of("node_selector", Map.of("Example.com/pool", "a")), "profiles[p].node_selector", "DNS subdomain"),
                Arguments.of(Map.of("node_selector", Map.of("pool", "a b")), "profiles[p].node_selector", "not a label value"),
                Arguments.of(Map.of("node_selector", Map.of("pool", "x".repeat(64))), "profiles[p].node_selector", "not a label value"),
                Arguments.of(Map.of("tolerations", Map.of("key", "a")), "profiles[p].tolerations", "list of objects"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "operator", "equal"))),
                        "profiles[p].tolerations[0].operator", "[Equal, Exists]"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "effect", "NoScheduling"))),
                        "profiles[p].tolerations[0].effect", "[NoExecute, NoSchedule, PreferNoSchedule]"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "operator", "Exists", "value", "b"))),
                        "profiles[p].tolerations[0].value", "left out with operator Exists"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("value", "b"))), "profiles[p].tolerations[0].key", "required"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "value", 5))), "profiles[p].tolerations[0].value",
                        "must be a string"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "effect", "NoSchedule", "toleration_seconds", 5))),
                        "profiles[p].tolerations[0].toleration_seconds", "only applies to effect NoExecute"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "effect", "NoExecute", "toleration_seconds", -1))),
                        "profiles[p].tolerations[0].toleration_seconds", "at least 0"),
                Arguments.of(Map.of("tolerations", List.of(Map.of("key", "a", "tolerate", true))),
                        "profiles[p].tolerations[0].tolerate", "not a known key"),
                Arguments.of(Map.of("affinity", Map.of("pod_anti_affinity", Map.of())), "profiles[p].affinity.pod_anti_affinity",
                        "node affinity only"),
                Arguments.of(Map.of("affinity", Map.of()), "profiles[p].affinity.required", "at least one term"),
                Arguments.of(Map.of("affinity", Map.of("required", List.of(Map.of("match_expressions", List.of(Map.of("key", "a",
                        "operator", "Near", "values", List.of("b"))))))), "profiles[p].affinity.required[0].match_expressions[0].operator",
                        "[DoesNotExist, Exists, Gt, In, Lt, NotIn]"),
                Arguments.of(Map.of("affinity", Map.of("required", List.of(Map.of("match_expressions", List.of(Map.of("key", "a",
                        "operator", "In")))))), "profiles[p].affinity.required[0].match_expressions[0].values", "at least one value"),
                Arguments.of(Map.of("affinity", Map.of("required", List.of(Map.of("match_expressions", List.of(Map.of("key", "a",
                        "operator", "Gt", "values", List.of("x"))))))), "profiles[p].affinity.required[0].match_expressions[0].values",
                        "one whole number"),
                Arguments.of(Map.of("affinity", Map.of("preferred", List.of(Map.of("weight", 101, "match_expressions",
                        List.of(Map.of("key", "a", "operator", "Exists")))))), "profiles[p].affinity.preferred[0].weight", "at most 100"),
                Arguments.of(Map.of("priority_class_name", "Low_Priority"), "profiles[p].priority_class_name", "object name"),
                Arguments.of(Map.of("requests", Map.of("cpu_request_ratio", 0)), "profiles[p].requests.cpu_request_ratio", "above 0"),
                Arguments.of(Map.of("requests", Map.of("memory_request_ratio", 1.5)), "profiles[p].requests.memory_request_ratio",
                        "from 0.0 to 1.0"),
                Arguments.of(Map.of("requests", Map.of("cpu_request_ratio", "0.5")), "profiles[p].requests.cpu_request_ratio",
                        "must be a number"),
                Arguments.of(Map.of("requests", Map.of("cpu_request_ratio", 0.5, "cpu", 0.5)), "profiles[p].requests.cpu",
                        "cannot both be given"),
                Arguments.of(Map.of("requests", Map.of("memory", "8g")), "profiles[p].requests.memory", "above max_memory (4g)"),
                Arguments.of(Map.of("requests", Map.of("cpu", 5.0)), "profiles[p].requests.cpu", "to 4.0"),
                Arguments.of(Map.of("requests", Map.of("gpu", 1)), "profiles[p].requests.gpu", "not a known key"),
                Arguments.of(Map.of("ephemeral_storage", Map.of("request", "4Gi", "limit", "1Gi")),
                        "profiles[p].ephemeral_storage.request", "above limit (1Gi)"),
                Arguments.of(Map.of("ephemeral_storage", Map.of("limit", "1.5Gi")), "profiles[p].ephemeral_storage.limit",
                        "Kubernetes quantity"),
                Arguments.of(Map.of("ephemeral_storage", Map.of("limit", "01Gi")), "profiles[p].ephemeral_storage.limit",
                        "Kubernetes quantity"),
                Arguments.of(Map.of("ephemeral_storage", Map.of("limit", "1gi")), "profiles[p].ephemeral_storage.limit",
                        "Kubernetes quantity"),
                Arguments.of(Map.of("ephemeral_storage", Map.of("limit", "9Ei")), "profiles[p].ephemeral_storage.limit", "too large"),
                Arguments.of(Map.of("ephemeral_storage", Map.of("limit", new BigInteger("18446744073709551621"))),
                        "profiles[p].ephemeral_storage.limit", "at most"),
                Arguments.of(Map.of("ephemeral_storage", Map.of()), "profiles[p].ephemeral_storage.request", "or limit is required"),
                Arguments.of(Map.of("extended_resources", Map.of("gpu", 1)), "profiles[p].extended_resources.gpu", "vendor's domain"),
                Arguments.of(Map.of("extended_resources", Map.of("kubernetes.io/cpu", 1)), "profiles[p].extended_resources.kubernetes.io/cpu",
                        "vendor's domain"),
                Arguments.of(Map.of("extended_resources", Map.of("nvidia.com/gpu", 0)), "profiles[p].extended_resources.nvidia.com/gpu",
                        "at least 1"),
                Arguments.of(Map.of("extended_resources", Map.of("nvidia.com/gpu", 1.5)), "profiles[p].extended_resources.nvidia.com/gpu",
                        "whole number"),
                Arguments.of(Map.of("annotations", Map.of("container.apparmor.security.beta.kubernetes.io/main", "unconfined")),
                        "profiles[p].annotations", "profiles cannot weaken the hardening"),
                Arguments.of(Map.of("annotations", Map.of("seccomp.security.alpha.kubernetes.io/pod", "unconfined")),
                        "profiles[p].annotations", "profiles cannot weaken the hardening"),
                Arguments.of(Map.of("annotations", Map.of("dev.containerrunner.task", "x")), "profiles[p].annotations",
                        "the runner's own"),
                Arguments.of(Map.of("runtime_class_name", "Kata Containers"), "profiles[p].runtime_class_name", "object name"),
                Arguments.of(Map.of("allowed_images", List.of("evil.*/x:1")), "profiles[p].allowed_images", "wildcard"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("refusals")
    void badValuesAreRefusedNamingTheKey(Map<String, Object> profile, String key, String text) {
        InvalidConfigurationException e = refused(profile);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void aProfileCannotReplaceTheConfiguredRuntime() {
        InvalidConfigurationException e = refused(Map.of("runtime_class_name", "runc"), "runtime", "gvisor");
        assertEquals("profiles[p].runtime_class_name", e.key());
        assertTrue(e.getMessage().contains("profiles cannot weaken the hardening"), e.getMessage());
        assertEquals(Optional.of("gvisor"), kube(Map.of("p", Map.of("runtime_class_name", "gvisor")), "runtime", "gvisor")
                .profiles().byName().get("p").runtimeClassName());
    }

    @Test
    void profileNamesFollowOneRule() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> kube(Map.of("Batch Pool", Map.of())));
        assertEquals("profiles[Batch Pool]", e.key());
        e = assertThrows(InvalidConfigurationException.class, () -> kube(Map.of("p", "batch")));
        assertEquals("profiles[p]", e.key());
    }
}
