package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.RunRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A profile applied to the run's pod template: its fields set, the hardening untouched (built and read back, no cluster). */
class ProfileSpecTest {

    private static final String ATTEMPT = "0123456789abcdef0123456789abcdef";
    private static final Map<String, Object> EVERYTHING = Map.of(
            "node_selector", Map.of("pool", "batch"),
            "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "batch", "effect", "NoSchedule"),
                    Map.of("operator", "Exists", "effect", "NoExecute", "toleration_seconds", 30)),
            "affinity", Map.of("required", List.of(Map.of("match_expressions", List.of(Map.of("key", "zone", "operator", "NotIn",
                    "values", List.of("a"))))), "preferred", List.of(Map.of("weight", 10, "match_expressions",
                    List.of(Map.of("key", "disk", "operator", "Exists"))))),
            "priority_class_name", "low-priority",
            "requests", Map.of("cpu_request_ratio", 0.25, "memory", "64m"),
            "ephemeral_storage", Map.of("request", "1Gi", "limit", "4Gi"),
            "extended_resources", Map.of("example.com/dongle", 2),
            "annotations", Map.of("team.example.com/cost-centre", "ml", "dev-note", "x"),
            "runtime_class_name", "gvisor");

    private static RunnerConfig config(Map<String, Object> profiles) {
        Map<String, Object> c = new HashMap<>(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"),
                "kubernetes", Map.of("helper_image", "helper:1", "service_account", "tasks"), "profiles", profiles));
        return RunnerConfig.from(c);
    }

    private static PodTemplateSpec template(RunnerConfig config, Map<String, Object> kwargs) {
        RunRequest request = RunRequest.from("run_with_input", kwargs, config.requestDefaults());
        KubeLabels.Metadata meta = KubeLabels.forAttempt(new TestContext("t"), ATTEMPT, Instant.ofEpochSecond(2_000_000_000L),
                Duration.ofSeconds(600), true);
        return PodSpecs.build(request, config, ATTEMPT, meta, Duration.ofSeconds(1000)).job().getSpec().getTemplate();
    }

    private static final Map<String, Object> RUN = Map.of("image", "a:1", "memory_limit", "256m", "cpu_limit", 2.0,
            "profile", "batch", "writable_dirs", List.of("/out"), "input_file", Map.of("path", "/in/x", "content", "x"));

    @Test
    void everyProfileFieldLandsInThePodTemplate() {
        PodTemplateSpec t = template(config(Map.of("batch", EVERYTHING)), RUN);
        PodSpec pod = t.getSpec();
        assertEquals(Map.of("pool", "batch"), pod.getNodeSelector());
        assertEquals(List.of(new Toleration("NoSchedule", "dedicated", "Equal", null, "batch"),
                new Toleration("NoExecute", null, "Exists", 30L, null)), pod.getTolerations());
        assertEquals(List.of(new NodeSelectorRequirement("zone", "NotIn", List.of("a"))), pod.getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0).getMatchExpressions());
        assertEquals(10, pod.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0).getWeight());
        assertNull(pod.getAffinity().getPodAffinity());
        assertNull(pod.getAffinity().getPodAntiAffinity());
        assertEquals("low-priority", pod.getPriorityClassName());
        assertEquals("gvisor", pod.getRuntimeClassName());
        assertEquals("ml", t.getMetadata().getAnnotations().get("team.example.com/cost-centre"));
        assertEquals(ATTEMPT, t.getMetadata().getAnnotations().get(Labels.ATTEMPT), "the runner's annotations stay");
        Container main = pod.getContainers().get(0);
        Map<String, Quantity> limits = main.getResources().getLimits();
        Map<String, Quantity> requests = main.getResources().getRequests();
        assertEquals(new Quantity("2000m"), limits.get("cpu"), "the limits stay the run's");
        assertEquals(256L << 20, Quantity.getAmountInBytes(limits.get("memory")).longValueExact());
        assertEquals(new Quantity("500m"), requests.get("cpu"), "0.25 of cpu_limit 2");
        assertEquals(64L << 20, Quantity.getAmountInBytes(requests.get("memory")).longValueExact(), "fixed");
        assertEquals(new Quantity("1Gi"), requests.get("ephemeral-storage"));
        assertEquals(new Quantity("4Gi"), limits.get("ephemeral-storage"));
        assertEquals(new Quantity("2"), requests.get("example.com/dongle"));
        assertEquals(new Quantity("2"), limits.get("example.com/dongle"), "extended resources: request = limit");
        Container keeper = pod.getContainers().get(1);
        assertEquals(keeper.getResources().getLimits(), keeper.getResources().getRequests(), "helpers keep their own resources");
        assertEquals(2, keeper.getResources().getLimits().size());
    }

    @Test
    void theHardeningIsExactlyWhatItIsWithoutAProfile() {
        PodTemplateSpec with = template(config(Map.of("batch", EVERYTHING)), RUN);
        Map<String, Object> plainRun = new HashMap<>(RUN);
        plainRun.remove("profile");
        PodTemplateSpec without = template(config(Map.of("batch", EVERYTHING)), plainRun);
        PodSpec a = with.getSpec();
        PodSpec b = without.getSpec();
        assertEquals(b.getSecurityContext(), a.getSecurityContext());
        assertEquals(b.getVolumes(), a.getVolumes());
        assertEquals(b.getServiceAccountName(), a.getServiceAccountName());
        assertEquals(false, a.getAutomountServiceAccountToken());
        assertEquals(b.getHostNetwork(), a.getHostNetwork());
        assertEquals(b.getHostPID(), a.getHostPID());
        assertEquals(b.getHostIPC(), a.getHostIPC());
        assertEquals(b.getShareProcessNamespace(), a.getShareProcessNamespace());
        assertEquals(b.getInitContainers(), a.getInitContainers());
        for (int i = 0; i < b.getContainers().size(); i++) {
            assertEquals(b.getContainers().get(i).getSecurityContext(), a.getContainers().get(i).getSecurityContext());
            assertEquals(b.getContainers().get(i).getVolumeMounts(), a.getContainers().get(i).getVolumeMounts());
        }
        // and without a profile nothing of it is there
        assertNull(b.getNodeSelector() == null || b.getNodeSelector().isEmpty() ? null : b.getNodeSelector());
        assertNull(b.getPriorityClassName());
        Container main = b.getContainers().get(0);
        assertEquals(main.getResources().getLimits(), main.getResources().getRequests(), "Guaranteed QoS without a profile");
    }

    @Test
    void theDefaultProfileIsAppliedWhenTheRunNamesNone() {
        Map<String, Object> plainRun = new HashMap<>(RUN);
        plainRun.remove("profile");
        PodSpec pod = template(config(Map.of("default", Map.of("priority_class_name", "normal"))), plainRun).getSpec();
        assertEquals("normal", pod.getPriorityClassName());
    }

    @Test
    void ratiosRoundToWholeMillicoresAndBytesNeverAboveTheLimit() {
        PodSpec pod = template(config(Map.of("r", Map.of("requests", Map.of("cpu_request_ratio", 0.333, "memory_request_ratio", 0.5)))),
                Map.of("image", "a:1", "memory_limit", "7m", "cpu_limit", 0.01, "profile", "r")).getSpec();
        Map<String, Quantity> requests = pod.getContainers().get(0).getResources().getRequests();
        assertEquals(new Quantity("3m"), requests.get("cpu"), "0.333 of 10m, rounded");
        assertEquals((7L << 20) / 2, Quantity.getAmountInBytes(requests.get("memory")).longValueExact());
        String yaml = Serialization.asYaml(pod);
        assertEquals(false, yaml.contains("ephemeral-storage"), yaml);
    }
}
