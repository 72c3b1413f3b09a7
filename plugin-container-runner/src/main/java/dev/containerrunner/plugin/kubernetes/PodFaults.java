package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.PullErrors;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.registry.CredentialsUnavailableException;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.Set;

/**
 * The pod states that do not resolve by themselves (an image the node cannot get, a container the
 * kubelet cannot create, a failed input_file or secret files copy), turned into the run's exception at once
 * instead of waiting for the start timeout. Pure: reads the pod, does no I/O.
 */
final class PodFaults {

    /** Waiting reasons that do not resolve by themselves: the run fails at once with the kubelet's message. */
    private static final Set<String> FATAL_WAITING = Set.of("ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private final String image;
    private final PullPolicy pullPolicy;
    private final String helperImage;
    private final Optional<String> imageCredential;
    private final Optional<String> helperCredential;

    /**
     * @param image the run's image as requested (for messages)
     * @param pullPolicy the run's pull policy (a missing image under {@code never} says so)
     * @param helperImage the helper containers' image (for messages)
     */
    PodFaults(String image, PullPolicy pullPolicy, String helperImage) {
        this(image, pullPolicy, helperImage, Optional.empty(), Optional.empty());
    }

    /** As above, with where the credentials for each image's registry come from (for messages). */
    PodFaults(String image, PullPolicy pullPolicy, String helperImage, Optional<String> imageCredential,
              Optional<String> helperCredential) {
        this.image = image;
        this.pullPolicy = pullPolicy;
        this.helperImage = helperImage;
        this.imageCredential = imageCredential;
        this.helperCredential = helperCredential;
    }

    /** The faults of a run of {@code request} under {@code config}. */
    static PodFaults of(RunRequest request, RunnerConfig config) {
        String helper = config.kubernetes().helperImage();
        return new PodFaults(request.requestedImage(), request.pullPolicy(), helper,
                source(config, request.image().domain()), source(config, ImageReference.parse(helper).domain()));
    }

    private static Optional<String> source(RunnerConfig config, String registry) {
        try {
            return config.registry().credentials().sourceFor(registry);
        } catch (CredentialsUnavailableException e) {
            return Optional.empty(); // the run fails on reading them, saying why
        }
    }

    /**
     * Checks the helper containers: the input_file and secret files copies and the keeper.
     *
     * @throws ImageNotAvailableException when the node cannot get the helper image
     * @throws ContainerEngineException when the kubelet cannot start a helper or the copy failed
     */
    void checkHelpers(Pod p) {
        if (p.getStatus() == null) {
            return;
        }
        checkInit(p, PodSpecs.PREPARE, "input_file");
        checkInit(p, InputStreams.INIT, "the streamed inputs");
        checkInit(p, SecretObjects.INIT, "the secret files");
        ContainerStatus keeper = PodStates.status(p.getStatus().getContainerStatuses(), PodSpecs.KEEPER);
        if (keeper != null) {
            checkWaiting(keeper, "helper_image " + helperImage);
        }
    }

    /** Checks the init container {@code name}, which places {@code what}. */
    private void checkInit(Pod p, String name, String what) {
        ContainerStatus prepare = PodStates.status(p.getStatus().getInitContainerStatuses(), name);
        if (prepare != null) {
            checkWaiting(prepare, "helper_image " + helperImage);
            ContainerStateTerminated t = prepare.getState().getTerminated();
            if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
                throw new ContainerEngineException("run", "placing " + what + " failed in the helper container (exit "
                        + t.getExitCode() + "): " + Optional.ofNullable(t.getMessage()).orElse(t.getReason()), null);
            }
        }
    }

    /**
     * Checks the main container.
     *
     * @throws ImageNotAvailableException when the node cannot get the image
     * @throws ContainerEngineException when the kubelet cannot create or start the container
     */
    void checkMain(ContainerStatus main) {
        checkWaiting(main, "image " + image);
    }

    private void checkWaiting(ContainerStatus s, String what) {
        ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
        if (w == null || w.getReason() == null || !FATAL_WAITING.contains(w.getReason())) {
            return;
        }
        String message = w.getReason() + ": " + Optional.ofNullable(w.getMessage()).orElse("");
        if (w.getReason().contains("Pull") || w.getReason().equals("InvalidImageName")) {
            boolean main = what.startsWith("image");
            String hint = pullPolicy == PullPolicy.NEVER && main ? " (pull_policy is never and the node does not have it)" : "";
            // the kubelet's ErrImagePull carries the engine's words (401, 404, unreachable); its back-off does not
            Optional<FailureReason> reason = w.getReason().equals("InvalidImageName") ? Optional.empty()
                    : PullErrors.classify(message);
            String ref = main ? image : helperImage;
            String plainly = reason.map(r -> "; " + PullErrors.plainly(r, ImageReference.parse(ref).domain(),
                    main ? imageCredential : helperCredential)).orElse("");
            throw new ImageNotAvailableException(ref, reason.orElse(null), what + " is not available on the node" + hint + ": "
                    + message + plainly, null);
        }
        throw new ContainerEngineException("run", "the kubelet could not start the " + s.getName() + " container: " + message,
                null, FailureReason.START_FAILED);
    }
}
