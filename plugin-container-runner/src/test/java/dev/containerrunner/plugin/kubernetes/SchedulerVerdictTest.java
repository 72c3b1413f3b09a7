package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which scheduler verdicts end a run at once (placement alone) and which are waited out. */
class SchedulerVerdictTest {

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "0/1 nodes are available: 1 node(s) had taint {dedicated: batch}, that the pod didn't tolerate.|true",
        "0/1 nodes are available: 1 node(s) didn't match node selector.|true",
        "0/3 nodes are available: 1 node(s) had taint {gpu: true}, that the pod didn't tolerate, 2 node(s) didn't match node selector.|true",
        "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.|true",
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.|true",
        "0/1 nodes are available: 1 Insufficient cpu.|false",
        "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had taint {dedicated: batch}, that the pod didn't tolerate.|false",
        "0/1 nodes are available: 1 node(s) were unschedulable.|false",
        "0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.|false",
        "0/1 nodes are available: 1 node(s) had taint {node.cloudprovider.kubernetes.io/uninitialized: true}, that the pod didn't tolerate.|false",
        "0/1 nodes are available: 1 node(s) didn't match pod affinity rules.|false",
        "no nodes available to schedule pods|false",
    })
    void onlyPlacementReasonsAreFinal(String message, boolean finalVerdict) {
        assertEquals(finalVerdict, SchedulerVerdict.onlyPlacement(message));
        assertEquals(finalVerdict ? Optional.of(message) : Optional.empty(), SchedulerVerdict.placementRefused(pending(message)));
    }

    @Test
    void aScheduledOrUnjudgedPodIsNoVerdict() {
        Pod scheduled = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().addNewCondition()
                .withType("PodScheduled").withStatus("True").endCondition().endStatus().build();
        assertEquals(Optional.empty(), SchedulerVerdict.placementRefused(scheduled));
        assertEquals(Optional.empty(), SchedulerVerdict.placementRefused(new PodBuilder().build()));
    }

    private static Pod pending(String message) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage(message)
                .endCondition().endStatus().build();
    }
}
