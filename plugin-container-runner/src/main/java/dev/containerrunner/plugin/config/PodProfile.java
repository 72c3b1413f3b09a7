package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.ImagePattern;
import dev.containerrunner.plugin.model.ImageReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One named pod profile of the configuration ({@code profiles: {NAME: {...}}}): where a task's pod
 * is placed (node selector, tolerations, node affinity), its priority, requests below its limits,
 * ephemeral storage, extended resources, annotations and RuntimeClass, and which images may use
 * it. A profile only adds scheduling and resource fields: the hardening (security contexts,
 * volumes, service account, host namespaces) is never a profile's to change, and the keys that
 * would are refused at start-up ({@link ProfileReader}).
 *
 * @param name               the profile's name, what the {@code profile} kwarg names
 * @param nodeSelector       node labels the pod's node must carry
 * @param tolerations        taints the pod tolerates
 * @param affinity           node affinity
 * @param priorityClassName  an existing PriorityClass
 * @param requests           CPU/memory requests below the run's limits
 * @param ephemeralRequest   ephemeral-storage request of the task's container
 * @param ephemeralLimit     ephemeral-storage limit of the task's container (the kubelet evicts the pod above it)
 * @param extendedResources  extended resources (e.g. {@code nvidia.com/gpu}) requested and limited, whole numbers
 * @param annotations        annotations of the pod
 * @param runtimeClassName   the pod's RuntimeClass (in place of the configured {@code runtime})
 * @param allowedImages      the images that may use this profile (within {@code allowed_images}); empty: every allowed image
 */
public record PodProfile(
        String name,
        Map<String, String> nodeSelector,
        List<ProfileToleration> tolerations,
        Optional<NodeAffinity> affinity,
        Optional<String> priorityClassName,
        ProfileRequests requests,
        Optional<StorageSize> ephemeralRequest,
        Optional<StorageSize> ephemeralLimit,
        Map<String, Long> extendedResources,
        Map<String, String> annotations,
        Optional<String> runtimeClassName,
        List<ImagePattern> allowedImages) {

    public PodProfile {
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
        extendedResources = Map.copyOf(extendedResources);
        annotations = Map.copyOf(annotations);
        allowedImages = List.copyOf(allowedImages);
    }

    /** Whether {@code image} may use this profile: its {@code allowed_images} admit it, or it has none. */
    public boolean admits(ImageReference image) {
        return allowedImages.isEmpty() || allowedImages.stream().anyMatch(p -> p.matches(image));
    }
}
