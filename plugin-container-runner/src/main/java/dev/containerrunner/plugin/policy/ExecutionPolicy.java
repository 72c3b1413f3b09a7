package dev.containerrunner.plugin.policy;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.NetworkMode;
import dev.containerrunner.plugin.model.RunRequest;

/**
 * The security policy: image allowlist, maxima and network rules. Requests above a maximum are
 * refused, never silently clamped.
 */
public final class ExecutionPolicy {

    private final RunnerConfig config;

    public ExecutionPolicy(RunnerConfig config) {
        this.config = config;
    }

    /** Throws {@link PolicyDeniedException} naming the parameter when {@code request} is not allowed. */
    public void check(RunRequest request) {
        String action = request.action();
        if (config.allowedImages().stream().noneMatch(p -> p.matches(request.image()))) {
            throw new PolicyDeniedException(action, "image", "'" + request.requestedImage() + "' (" + request.image()
                    + ") is not allowed by allowed_images " + config.allowedImages()
                    + (config.allowedImages().isEmpty() ? " (empty: configure apps.container_runner.allowed_images)" : ""));
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
    }
}
