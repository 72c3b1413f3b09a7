package dev.containerrunner.plugin.policy;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.config.SecretDefinition;
import dev.containerrunner.plugin.model.ContainerUser;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.model.NetworkMode;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.SecretRefs;
import dev.containerrunner.plugin.model.Ulimit;

/**
 * The security policy: image allowlist, digest pinning ({@code require_digest}), maxima, network
 * rules, the users a task may run as and the secrets it may be given. Requests above a maximum are refused, never silently
 * clamped. The image is judged as the engine will run it: a reference with
 * a digest by its digest alone ({@link dev.containerrunner.plugin.model.ImagePattern}).
 *
 * @apiNote immutable and thread-safe
 */
public final class ExecutionPolicy {

    private final RunnerConfig config;

    /** The policy of {@code config}. */
    public ExecutionPolicy(RunnerConfig config) {
        this.config = config;
    }

    /** Throws {@link PolicyDeniedException} naming the parameter when {@code request} is not allowed. */
    public void check(RunRequest request) {
        String action = request.action();
        if (config.allowedImages().stream().noneMatch(p -> p.matches(request.image()))) {
            throw new PolicyDeniedException(action, "image", "'" + request.requestedImage() + "' (" + request.image()
                    + ") is not allowed by allowed_images " + config.allowedImages()
                    + (config.allowedImages().isEmpty() ? " (empty: configure apps.container_runner.allowed_images)" : "")
                    + digestHint(request.image()));
        }
        if (config.registry().requireDigest() && request.image().digest() == null) {
            throw new PolicyDeniedException(action, "image", "'" + request.requestedImage() + "' is not pinned by digest;"
                    + " require_digest: true admits only digest references such as " + request.image().repository()
                    + "@sha256:<64 hex> (a tag can be moved to other content)");
        }
        if (request.timeout().compareTo(config.maxTimeout()) > 0) {
            throw new PolicyDeniedException(action, "timeout_seconds", "(" + request.timeout().toSeconds()
                    + ") is above max_timeout (" + config.maxTimeout().toSeconds() + ")");
        }
        if (request.memory().compareTo(config.maxMemory()) > 0) {
            throw new PolicyDeniedException(action, "memory_limit", "(" + request.memory() + ") is above max_memory ("
                    + config.maxMemory() + ")");
        }
        if (request.cpu() > config.maxCpu()) {
            throw new PolicyDeniedException(action, "cpu_limit", "(" + request.cpu() + ") is above max_cpu (" + config.maxCpu() + ")");
        }
        if (request.network() != NetworkMode.NONE && !config.networkAllowed()) {
            throw new PolicyDeniedException(action, "network", "'" + request.network().wireName()
                    + "' is not allowed: only 'none' unless the configuration sets network_allowed: true");
        }
        if (request.network() == NetworkMode.HOST && !config.hostNetworkAllowed()) {
            throw new PolicyDeniedException(action, "network", "'host' is not allowed: it needs host_network_allowed: true"
                    + " in the configuration (allowed now: none, bridge)");
        }
        checkKnobs(request);
        ProfilePolicy.check(request, config.profiles());
        checkSecrets(request);
        InputPolicy.check(request, config.s3());
    }

    /**
     * Throws {@link PolicyDeniedException} naming the parameter when a collect_output request asks
     * for what the configuration does not provide: {@code upload_to_s3: true} without {@code s3}.
     * Checked when the workflow is validated, so nothing upstream runs first.
     */
    public void check(String action, CollectRequest request) {
        if (request.uploadToS3() && config.s3().isEmpty()) {
            throw new PolicyDeniedException(action, "upload_to_s3", "is true but no S3 store is configured (configure"
                    + " apps.container_runner.s3: {bucket, region, endpoint, ...}, or leave upload_to_s3 out to return the"
                    + " files inline)");
        }
    }

    /** Each secret the request names must be configured and allowed for its image. */
    private void checkSecrets(RunRequest request) {
        SecretRefs refs = request.secrets();
        for (int i = 0; i < refs.files().size(); i++) {
            checkSecret(request, "secrets[" + i + "]", refs.files().get(i));
        }
        refs.environment().forEach((variable, name) -> checkSecret(request, "secret_env." + variable, name));
    }

    private void checkSecret(RunRequest request, String parameter, String name) {
        SecretDefinition secret = config.secrets().get(name).orElseThrow(() -> new PolicyDeniedException(request.action(),
                parameter, "('" + name + "') is not a configured secret " + (config.secrets().byName().isEmpty()
                ? "(no secrets are configured: define them under apps.container_runner.secrets)"
                : "(configured: " + config.secrets().names() + ")")));
        if (!secret.allows(request.image())) {
            throw new PolicyDeniedException(request.action(), parameter, "('" + name + "') may not be given to image '"
                    + request.requestedImage() + "' (" + request.image() + "): secrets[" + name + "].allowed_images is "
                    + secret.allowedImages());
        }
    }

    /** user against allowed_users, shm_size against max_shm_size, ulimits against max_ulimits. */
    private void checkKnobs(RunRequest request) {
        String action = request.action();
        ContainerUser user = request.user();
        if (!user.equals(config.userIds()) && config.allowedUsers().stream().noneMatch(range -> range.admits(user))) {
            throw new PolicyDeniedException(action, "user", "'" + user + "' is not allowed: only the configured user ("
                    + config.user() + ")" + (config.allowedUsers().isEmpty() ? " (allowed_users is empty)"
                    : " and allowed_users " + config.allowedUsers()));
        }
        if (request.shmSize().isPresent() && request.shmSize().get().compareTo(config.maxShmSize()) > 0) {
            throw new PolicyDeniedException(action, "shm_size", "(" + request.shmSize().get() + ") is above max_shm_size ("
                    + config.maxShmSize() + ")");
        }
        for (Ulimit u : request.ulimits()) {
            long max = config.maxUlimits().getOrDefault(u.name(), 0L);
            if (u.hard() > max) {
                throw new PolicyDeniedException(action, "ulimits." + u.name(), "(hard " + u.hard() + ") is above max_ulimits."
                        + u.name() + " (" + max + ")");
            }
        }
    }

    /** Why a tag+digest reference whose tag alone is allowed is still refused; empty otherwise. */
    private String digestHint(ImageReference image) {
        return image.tagAlone().filter(t -> config.allowedImages().stream().anyMatch(p -> p.matches(t)))
                .map(t -> ": the engine runs the digest " + image.digest() + " and ignores the tag '" + t.tag()
                        + "', and no entry admits that digest; pin it in allowed_images (" + t.repository() + "@"
                        + image.digest() + ") or drop it from the reference")
                .orElse("");
    }
}
