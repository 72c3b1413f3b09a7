package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.FailureReason;
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

    /**
     * The failure reason of an API failure: the connection ({@code engine_lost} once the run's
     * objects exist, else {@code engine_unreachable}) or any other answer ({@code engine_error}).
     */
    static FailureReason failureReason(KubernetesClientException e, boolean runExists) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException) {
                return runExists ? FailureReason.ENGINE_LOST : FailureReason.ENGINE_UNREACHABLE;
            }
        }
        return FailureReason.ENGINE_ERROR;
    }

    /** Whether the scheduler said it has no node for the pod (condition PodScheduled False, reason Unschedulable). */
    static boolean unschedulable(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()));
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
