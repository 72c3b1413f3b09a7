package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Reading pod and container states, and API failures, into what results and errors say. */
final class PodStates {

    private PodStates() {
    }

    /** The status of the run's main container, or null while the pod has none. */
    static ContainerStatus main(Pod pod) {
        return pod.getStatus() == null ? null : status(pod.getStatus().getContainerStatuses(), PodSpecs.MAIN);
    }

    /** A run that ended before the runner saw it running: the kubelet's timestamps (whole seconds). */
    static double clusterSeconds(ContainerStateTerminated t) {
        if (t == null || t.getStartedAt() == null || t.getFinishedAt() == null) {
            return 0.0;
        }
        return Duration.between(Instant.parse(t.getStartedAt()), Instant.parse(t.getFinishedAt())).toMillis() / 1000.0;
    }

    /** Why a pod has not started: its conditions' reasons and messages. */
    static String pending(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return "pod " + p.getMetadata().getName() + " is " + (p.getStatus() == null ? "new" : p.getStatus().getPhase());
        }
        StringBuilder why = new StringBuilder("pod " + p.getMetadata().getName() + " is " + p.getStatus().getPhase());
        for (PodCondition c : p.getStatus().getConditions()) {
            if (!"True".equals(c.getStatus()) && c.getMessage() != null) {
                why.append("; ").append(c.getType()).append(": ").append(c.getMessage());
            }
        }
        return why.toString();
    }

    static ContainerStatus status(List<ContainerStatus> statuses, String name) {
        if (statuses == null) {
            return null;
        }
        return statuses.stream().filter(s -> name.equals(s.getName()) && s.getState() != null).findFirst().orElse(null);
    }

    /** {@code docker-pullable://repo@sha256:...} or {@code docker://sha256:...} → the digest or image id. */
    static String digestOf(String imageId) {
        if (imageId == null || imageId.isBlank()) {
            return null;
        }
        String s = imageId.contains("://") ? imageId.substring(imageId.indexOf("://") + 3) : imageId;
        return s.contains("@") ? s.substring(s.indexOf('@') + 1) : s;
    }

    static String describe(KubernetesClientException e) {
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root == e ? "" : " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        return "the Kubernetes API failed" + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "") + ": " + status + cause;
    }
}
