package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.TaskAppException;
import java.util.Optional;

/**
 * Why a run or a collect failed, machine-readable: the plugin's typed view of the SPI's closed set
 * {@link dev.containerrunner.spi.FailureReason}, which holds the wire names and which reasons are
 * retryable (one source of truth: each constant here is the SPI constant of the same name, checked
 * when this class loads). Results carry it as {@code failure_reason} with {@code retryable}; the
 * README's reason table documents each value.
 *
 * @apiNote Immutable and thread-safe.
 */
public enum FailureReason {
    EXIT_CODE, TIMEOUT, OOM_KILLED, CANCELLED, KILLED, START_FAILED, START_TIMEOUT, UNSCHEDULABLE,
    IMAGE_NOT_FOUND, IMAGE_AUTH_FAILED, REGISTRY_UNREACHABLE, PULL_TIMEOUT,
    POLICY_DENIED, INVALID_REQUEST,
    OUTPUT_FILE_MISSING, OUTPUT_FILE_TOO_LARGE, OUTPUT_FILE_UNREADABLE,
    ENGINE_UNREACHABLE, ENGINE_LOST, ENGINE_ERROR, AUDIT_FAILED,
    NOT_FOUND, TOO_LARGE, NOT_A_REGULAR_FILE, BUDGET_EXCEEDED, UNSAFE_NAME, READ_FAILED, UPLOAD_FAILED, CONTAINS_SECRET,
    INPUT_NOT_FOUND, INPUT_CHECKSUM_MISMATCH, INPUT_FAILED;

    /** The result key these values go under. */
    public static final String RESULT_KEY = dev.containerrunner.spi.FailureReason.RESULT_KEY;
    /** The result key of {@link #retryable()}. */
    public static final String RETRYABLE_KEY = dev.containerrunner.spi.FailureReason.RETRYABLE_KEY;

    private final dev.containerrunner.spi.FailureReason spi = dev.containerrunner.spi.FailureReason.valueOf(name());

    /** The SPI's constant of the same name. */
    public dev.containerrunner.spi.FailureReason spi() {
        return spi;
    }

    /** The value in results, e.g. {@code image_auth_failed}. */
    public String wireName() {
        return spi.wireName();
    }

    /** Whether the same request may succeed when tried again later, unchanged. */
    public boolean retryable() {
        return spi.retryable();
    }

    /** The plugin's constant for the SPI's {@code reason}. */
    public static FailureReason of(dev.containerrunner.spi.FailureReason reason) {
        return valueOf(reason.name());
    }

    /**
     * The reason a failure carries, when it carries one: a {@link ContainerEngineException}'s or a
     * {@link TaskAppException}'s (e.g. {@code invalid_request} for an {@code InvalidKwargsException}).
     */
    public static Optional<FailureReason> of(Throwable failure) {
        if (failure instanceof ContainerEngineException e) {
            return e.failureReason();
        }
        if (failure instanceof TaskAppException e) {
            return e.failureReason().map(FailureReason::of);
        }
        return Optional.empty();
    }
}
