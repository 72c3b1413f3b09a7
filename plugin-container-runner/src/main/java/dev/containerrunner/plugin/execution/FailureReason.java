package dev.containerrunner.plugin.execution;

import java.util.Locale;

/**
 * Why a run failed, machine-readable: the result's {@code failure_reason} (public API; the wire
 * names never change). This is the one set of values for every failure class; so far it holds the
 * image pull failures, each with whether trying again later may succeed without changing anything.
 */
public enum FailureReason {
    /** The registry has no such repository, tag or digest (or pull_policy never and the engine lacks it). */
    IMAGE_NOT_FOUND(false),
    /** The registry refused the credentials, or asked for some and none are configured for it. */
    IMAGE_AUTH_FAILED(false),
    /** The registry could not be reached: refused, unresolvable, reset, TLS failure, wrong protocol. */
    REGISTRY_UNREACHABLE(true),
    /** The pull did not finish within {@code pull_timeout_seconds}. */
    PULL_TIMEOUT(true);

    /** The result key these values go under. */
    public static final String RESULT_KEY = "failure_reason";

    private final boolean retryable;

    FailureReason(boolean retryable) {
        this.retryable = retryable;
    }

    /** The value in results, e.g. {@code image_auth_failed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the same request may succeed when tried again later, unchanged. */
    public boolean retryable() {
        return retryable;
    }
}
