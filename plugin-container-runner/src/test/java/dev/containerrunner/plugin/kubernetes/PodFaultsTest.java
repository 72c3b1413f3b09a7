package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.model.PullPolicy;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet states that end a run at once, and the ones that are only waiting. */
class PodFaultsTest {

    private static final PodFaults NEVER = new PodFaults("app:1", PullPolicy.NEVER, "busybox:1");
    private static final PodFaults ALWAYS = new PodFaults("app:1", PullPolicy.ALWAYS, "busybox:1");

    private static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .withMessage("kubelet says " + reason).endWaiting().endState().build();
    }

    private static Pod pod(List<ContainerStatus> init, List<ContainerStatus> containers) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Pending")
                .withInitContainerStatuses(init).withContainerStatuses(containers).endStatus().build();
    }

    @Test
    void aMissingImageUnderPullPolicyNeverSaysSo() {
        ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class,
                () -> NEVER.checkMain(waiting(PodSpecs.MAIN, "ErrImageNeverPull")));
        assertTrue(e.getMessage().contains("image app:1 is not available on the node (pull_policy is never"), e.getMessage());
        assertTrue(e.getMessage().contains("ErrImageNeverPull: kubelet says ErrImageNeverPull"), e.getMessage());
    }

    @Test
    void pullErrorsAndInvalidNamesAreUnavailableImages() {
        for (String reason : List.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName")) {
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class,
                    () -> ALWAYS.checkMain(waiting(PodSpecs.MAIN, reason)));
            assertTrue(e.getMessage().contains("image app:1 is not available on the node: " + reason), e.getMessage());
        }
    }

    @Test
    void containersTheKubeletCannotCreateFailTheRun() {
        ContainerEngineException e = assertThrows(ContainerEngineException.class,
                () -> ALWAYS.checkMain(waiting(PodSpecs.MAIN, "CreateContainerConfigError")));
        assertTrue(e.getMessage().contains("could not start the main container: CreateContainerConfigError"), e.getMessage());
    }

    @Test
    void ordinaryWaitingIsNoFault() {
        assertDoesNotThrow(() -> NEVER.checkMain(waiting(PodSpecs.MAIN, "ContainerCreating")));
        assertDoesNotThrow(() -> NEVER.checkMain(new ContainerStatusBuilder().withName(PodSpecs.MAIN).build()));
        assertDoesNotThrow(() -> NEVER.checkHelpers(new PodBuilder().build()));
    }

    @Test
    void helpersNameTheHelperImage() {
        ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class,
                () -> NEVER.checkHelpers(pod(List.of(), List.of(waiting(PodSpecs.KEEPER, "ErrImagePull")))));
        assertTrue(e.getMessage().contains("helper_image busybox:1 is not available on the node: ErrImagePull: kubelet says ErrImagePull"),
                e.getMessage());
    }

    @Test
    void aFailedInputCopyFailsTheRun() {
        ContainerStatus copy = new ContainerStatusBuilder().withName(PodSpecs.PREPARE).withNewState().withNewTerminated()
                .withExitCode(1).withReason("Error").endTerminated().endState().build();
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> ALWAYS.checkHelpers(pod(List.of(copy), List.of())));
        assertTrue(e.getMessage().contains("placing input_file failed in the helper container (exit 1): Error"), e.getMessage());
    }
}
