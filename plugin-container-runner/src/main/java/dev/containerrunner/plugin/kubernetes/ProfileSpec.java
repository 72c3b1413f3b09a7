package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.NodeAffinity;
import dev.containerrunner.plugin.config.PodProfile;
import dev.containerrunner.plugin.config.ProfileToleration;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a {@link PodProfile} to a run's hardened pod template, after the hardening: node
 * selector, tolerations, node affinity, priority class, RuntimeClass and annotations on the pod;
 * requests below the limits, ephemeral storage and extended resources on the task's container.
 * Pure (no I/O). It writes only those fields: security contexts, volumes, the service account,
 * the token and host namespaces are never touched, so a profile cannot weaken the hardening.
 */
final class ProfileSpec {

    static final String EPHEMERAL_STORAGE = "ephemeral-storage";

    private ProfileSpec() {
    }

    /**
     * Applies {@code profile} to {@code template}, whose main container is named {@link PodSpecs#MAIN}
     * and has its CPU/memory limits set.
     */
    static void applyTo(PodProfile profile, PodTemplateSpec template) {
        PodSpec pod = template.getSpec();
        if (!profile.nodeSelector().isEmpty()) {
            pod.setNodeSelector(new LinkedHashMap<>(profile.nodeSelector()));
        }
        if (!profile.tolerations().isEmpty()) {
            pod.setTolerations(profile.tolerations().stream().map(ProfileSpec::toleration).toList());
        }
        profile.affinity().ifPresent(a -> pod.setAffinity(affinity(a)));
        profile.priorityClassName().ifPresent(pod::setPriorityClassName);
        profile.runtimeClassName().ifPresent(pod::setRuntimeClassName);
        if (!profile.annotations().isEmpty()) {
            Map<String, String> annotations = new LinkedHashMap<>(profile.annotations());
            if (template.getMetadata().getAnnotations() != null) {
                annotations.putAll(template.getMetadata().getAnnotations()); // the runner's own always win
            }
            template.getMetadata().setAnnotations(annotations);
        }
        Container main = pod.getContainers().stream().filter(c -> PodSpecs.MAIN.equals(c.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the pod has no " + PodSpecs.MAIN + " container"));
        main.setResources(resources(profile, main.getResources()));
    }

    private static ResourceRequirements resources(PodProfile profile, ResourceRequirements hardened) {
        Map<String, Quantity> limits = new LinkedHashMap<>(hardened.getLimits());
        Map<String, Quantity> requests = new LinkedHashMap<>(hardened.getRequests());
        long cpuLimit = millis(limits.get("cpu"));
        long memoryLimit = limits.get("memory").getNumericalAmount().longValueExact();
        requests.put("cpu", new Quantity(profile.requests().cpuMillis(cpuLimit) + "m"));
        requests.put("memory", new Quantity(Long.toString(profile.requests().memoryBytes(memoryLimit))));
        profile.ephemeralRequest().ifPresent(s -> requests.put(EPHEMERAL_STORAGE, new Quantity(s.text())));
        profile.ephemeralLimit().ifPresent(s -> limits.put(EPHEMERAL_STORAGE, new Quantity(s.text())));
        profile.extendedResources().forEach((name, count) -> {
            // extended resources cannot be overcommitted: request = limit
            limits.put(name, new Quantity(Long.toString(count)));
            requests.put(name, new Quantity(Long.toString(count)));
        });
        return new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build();
    }

    private static long millis(Quantity cpu) {
        return cpu.getNumericalAmount().movePointRight(3).longValueExact();
    }

    private static Toleration toleration(ProfileToleration t) {
        return new Toleration(t.effect().orElse(null), t.key().orElse(null), t.operator(), t.tolerationSeconds().orElse(null),
                t.value().orElse(null));
    }

    private static Affinity affinity(NodeAffinity a) {
        NodeAffinityBuilder node = new NodeAffinityBuilder();
        if (!a.required().isEmpty()) {
            node.withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withNodeSelectorTerms(a.required().stream().map(ProfileSpec::term).toList())
                    .endRequiredDuringSchedulingIgnoredDuringExecution();
        }
        node.withPreferredDuringSchedulingIgnoredDuringExecution(a.preferred().stream()
                .map(p -> new PreferredSchedulingTerm(term(p.term()), p.weight())).toList());
        Affinity affinity = new Affinity();
        affinity.setNodeAffinity(node.build());
        return affinity;
    }

    private static NodeSelectorTerm term(NodeAffinity.Term t) {
        List<NodeSelectorRequirement> expressions = t.expressions().stream()
                .map(e -> new NodeSelectorRequirement(e.key(), e.operator(), e.values().isEmpty() ? null : e.values())).toList();
        NodeSelectorTerm term = new NodeSelectorTerm();
        term.setMatchExpressions(expressions);
        return term;
    }
}
