package dev.containerrunner.plugin.policy;

import dev.containerrunner.plugin.config.PodProfile;
import dev.containerrunner.plugin.config.PodProfiles;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.Optional;

/**
 * The {@code profile} kwarg against the configured pod profiles: it must name one, the profile
 * must admit the image ({@code allowed_images} of the profile, matched like the allowlist), and
 * its fixed requests must fit in the run's limits. The profile a run takes without the kwarg (the
 * one named {@code default}) is held to the same rules.
 *
 * @apiNote stateless and thread-safe
 */
final class ProfilePolicy {

    private ProfilePolicy() {
    }

    /**
     * @throws PolicyDeniedException naming {@code profile} when it names no configured profile (audited as a
     *         denial: the configuration decides which profiles exist), when the profile does not admit the image, or its
     *         fixed requests are above the run's {@code cpu_limit}/{@code memory_limit}
     */
    static void check(RunRequest request, PodProfiles profiles) {
        String action = request.action();
        Optional<PodProfile> chosen;
        try {
            chosen = profiles.resolve(request.profile());
        } catch (PodProfiles.UnknownProfileException e) {
            throw new PolicyDeniedException(action, "profile", e.getMessage());
        }
        if (chosen.isEmpty()) {
            return;
        }
        PodProfile p = chosen.get();
        String which = "profile '" + p.name() + "'" + (request.profile().isEmpty() ? " (taken when a task names none)" : "");
        if (!p.admits(request.image())) {
            throw new PolicyDeniedException(action, "profile", which + " does not allow image '" + request.requestedImage()
                    + "' (" + request.image() + "): its allowed_images are " + p.allowedImages());
        }
        p.requests().cpu().filter(cpu -> cpu > request.cpu()).ifPresent(cpu -> {
            throw new PolicyDeniedException(action, "profile", which + " requests " + cpu + " CPUs, above this run's cpu_limit ("
                    + request.cpu() + "); ask for a cpu_limit of at least " + cpu);
        });
        p.requests().memory().filter(m -> m.compareTo(request.memory()) > 0).ifPresent(m -> {
            throw new PolicyDeniedException(action, "profile", which + " requests " + m + " of memory, above this run's"
                    + " memory_limit (" + request.memory() + "); ask for a memory_limit of at least " + m);
        });
    }
}
