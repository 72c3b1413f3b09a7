package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.model.PullPolicy;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kubelet's pull errors map to the same failure classes as Docker's (messages as the kubelet 1.20 words them). */
class PodFaultsPullTest {

    private static final String IMAGE = "registry.example.com:5443/team/app:1";
    private static final PodFaults FAULTS = new PodFaults(IMAGE, PullPolicy.IF_NOT_PRESENT, "busybox:1",
            Optional.of("registries[registry.example.com:5443] password_file /p"), Optional.empty());

    private static ContainerStatus waiting(String reason, String message) {
        return new ContainerStatusBuilder().withName(PodSpecs.MAIN).withNewState().withNewWaiting().withReason(reason)
                .withMessage(message).endWaiting().endState().build();
    }

    private static ImageNotAvailableException fault(String reason, String message) {
        return assertThrows(ImageNotAvailableException.class, () -> FAULTS.checkMain(waiting(reason, message)));
    }

    @Test
    void refusedCredentialsAreAnAuthenticationFailure() {
        ImageNotAvailableException e = fault("ErrImagePull", "rpc error: code = Unknown desc = Error response from daemon:"
                + " unauthorized: authentication required");
        assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason());
        assertTrue(e.getMessage().endsWith("; registry registry.example.com:5443 refused the credentials from"
                + " registries[registry.example.com:5443] password_file /p"), e.getMessage());
        assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), fault("ErrImagePull", "rpc error: code = Unknown desc ="
                + " Error response from daemon: Head \"https://r/v2/a/manifests/1\": no basic auth credentials").reason());
    }

    @Test
    void anUnknownTagIsNotFoundAndAStoppedRegistryUnreachable() {
        assertEquals(Optional.of(FailureReason.IMAGE_NOT_FOUND), fault("ErrImagePull", "rpc error: code = Unknown desc ="
                + " Error response from daemon: manifest for " + IMAGE + " not found: manifest unknown: manifest unknown").reason());
        assertEquals(Optional.of(FailureReason.IMAGE_NOT_FOUND), fault("ErrImageNeverPull",
                "Container image \"" + IMAGE + "\" is not present with pull policy of Never").reason());
        assertEquals(Optional.of(FailureReason.REGISTRY_UNREACHABLE), fault("ErrImagePull", "rpc error: code = Unknown desc ="
                + " Error response from daemon: Get \"https://r/v2/\": dial tcp [::1]:5443: connect: connection refused").reason());
    }

    @Test
    void theBackOffWithoutTheEnginesWordsHasNoClass() {
        ImageNotAvailableException e = fault("ImagePullBackOff", "Back-off pulling image \"" + IMAGE + "\"");
        assertEquals(Optional.empty(), e.reason());
        assertTrue(e.getMessage().contains("is not available on the node: ImagePullBackOff"), e.getMessage());
        assertEquals(Optional.empty(), fault("InvalidImageName", "couldn't parse image reference").reason());
    }
}
