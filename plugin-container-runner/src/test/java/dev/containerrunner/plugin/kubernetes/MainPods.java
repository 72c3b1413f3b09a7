package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;

/** Pods of one run as the pod watch shows them while it is stopped: the main container's states. */
final class MainPods {

    static final String ATTEMPT = "a1";
    static final String POD = "container-runner-a1-xyz";

    private MainPods() {
    }

    static ContainerState running() {
        return new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-30T19:00:00Z").endRunning().build();
    }

    static ContainerState terminated(int exitCode, String reason) {
        return new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode).withReason(reason)
                .withStartedAt("2026-11-30T19:00:00Z").withFinishedAt("2026-11-30T19:00:05Z").endTerminated().build();
    }

    static ContainerState waiting(String reason) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build();
    }

    /** Run {@code attempt}'s pod, its main container in {@code state} (last state {@code last}, may be null). */
    static Pod pod(String attempt, ContainerState state, ContainerState last, boolean deleting) {
        return new PodBuilder().withNewMetadata().withName(POD).withLabels(Map.of(KubeLabels.POD_ATTEMPT, attempt))
                .withDeletionTimestamp(deleting ? "2026-11-30T19:00:04Z" : null).endMetadata()
                .withNewStatus().withPhase("Running")
                .addToContainerStatuses(new ContainerStatusBuilder().withName(PodSpecs.MAIN).withState(state)
                        .withLastState(last == null ? new ContainerState() : last).withImageID("docker-pullable://bb@sha256:1")
                        .build())
                .endStatus().build();
    }

    static Pod pod(ContainerState state, boolean deleting) {
        return pod(ATTEMPT, state, null, deleting);
    }
}
