package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pod and container states read into results and error messages. */
class PodStatesTest {

    @Test
    void pendingNamesTheConditionsThatAreNotMet() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p-1").endMetadata()
                .withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("False")
                .withMessage("0/1 nodes are available: 1 Insufficient cpu.").endCondition()
                .addNewCondition().withType("Initialized").withStatus("True").withMessage("ignored").endCondition()
                .endStatus().build();
        assertEquals("pod p-1 is Pending; PodScheduled: 0/1 nodes are available: 1 Insufficient cpu.", PodStates.pending(pod));
        assertEquals("pod p-2 is new", PodStates.pending(new PodBuilder().withNewMetadata().withName("p-2").endMetadata().build()));
    }

    @Test
    void durationFromTheKubeletsTimestampsWhenTheRunnerNeverSawTheContainerRun() {
        var t = new ContainerStateTerminatedBuilder().withStartedAt("2026-11-29T05:53:07Z").withFinishedAt("2026-11-29T05:53:09Z")
                .withExitCode(0).build();
        assertEquals(2.0, PodStates.clusterSeconds(t));
        assertEquals(0.0, PodStates.clusterSeconds(null));
    }

    @Test
    void statusIsFoundByContainerName() {
        ContainerStatus main = new ContainerStatusBuilder().withName("main").withNewState().withNewRunning().endRunning()
                .endState().build();
        ContainerStatus keeper = new ContainerStatusBuilder().withName("keeper").withNewState().endState().build();
        assertEquals(main, PodStates.status(List.of(keeper, main), "main"));
        assertNull(PodStates.status(List.of(keeper), "main"));
        assertNull(PodStates.status(null, "main"));
    }

    @Test
    void apiFailuresNameTheirRootCause() {
        String text = PodStates.describe(new KubernetesClientException("Operation: [list] failed.",
                new RuntimeException(new ConnectException("Connection refused"))));
        assertTrue(text.contains("Operation: [list] failed."), text);
        assertTrue(text.endsWith("(ConnectException: Connection refused)"), text);
    }

    @Test
    void anUnschedulablePodAndAnApiFailureAreClassed() {
        Pod unschedulable = new PodBuilder().withNewMetadata().withName("p-1").endMetadata()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient cpu.").endCondition()
                .endStatus().build();
        assertEquals(true, PodStates.unschedulable(unschedulable));
        Pod pulling = new PodBuilder().withNewMetadata().withName("p-2").endMetadata().withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("True").endCondition().endStatus().build();
        assertEquals(false, PodStates.unschedulable(pulling));
        assertEquals(false, PodStates.unschedulable(new PodBuilder().withNewMetadata().withName("p-3").endMetadata().build()));

        var connection = new io.fabric8.kubernetes.client.KubernetesClientException("failed",
                new java.net.ConnectException("Connection refused"));
        var refused = new io.fabric8.kubernetes.client.KubernetesClientException("forbidden", 403, null);
        assertEquals(dev.containerrunner.plugin.execution.FailureReason.ENGINE_UNREACHABLE, PodStates.failureReason(connection, false));
        assertEquals(dev.containerrunner.plugin.execution.FailureReason.ENGINE_LOST, PodStates.failureReason(connection, true));
        assertEquals(dev.containerrunner.plugin.execution.FailureReason.ENGINE_ERROR, PodStates.failureReason(refused, true));
    }
}
