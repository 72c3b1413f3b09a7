package dev.containerrunner.spi;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why a task failed, machine-readable: the closed set of {@code failure_reason} values (public
 * API: wire names never change; values are only added). Apps put {@link #wireName()} into a failed
 * result or carry it on a {@link TaskAppException}; engines read it back with {@link #of(String)},
 * e.g. to decide a retry. This enum is the one list of the names: an app keeps its own typed view
 * of it, mapping to these constants, never a second list of strings.
 *
 * <p>{@link #retryable()} says whether trying the same request again later may succeed without
 * anything being changed: a transient condition of the engine, the cluster or a registry. Every
 * other reason is a property of the request, the program or the configuration, and retrying it
 * repeats it.
 *
 * @apiNote Immutable and thread-safe.
 */
public enum FailureReason {

    // ---- how a container run ended ----
    /** The program exited with a non-zero code of its own. */
    EXIT_CODE(false),
    /** The runner stopped it at its timeout. */
    TIMEOUT(false),
    /** The engine or kernel killed it for memory (OOM). */
    OOM_KILLED(false),
    /** The task was cancelled (before or while it ran, or while a piece of it waited). */
    CANCELLED(false),
    /** It ended by a SIGKILL the runner did not send and no OOM kill was reported (exit 137). */
    KILLED(false),
    /** The engine or runtime refused to create or start the container (e.g. a command that does not exist). */
    START_FAILED(false),
    /** The platform did not start it within its start timeout (image, scheduling, kubelet). */
    START_TIMEOUT(true),
    /** The scheduler found no node with room for it within its start timeout. */
    UNSCHEDULABLE(true),

    // ---- the image ----
    /** No such repository, tag or digest, or pull_policy never and the image is not there. */
    IMAGE_NOT_FOUND(false),
    /** The registry refused the credentials, or asks for some and none are configured. */
    IMAGE_AUTH_FAILED(false),
    /** The registry could not be reached: refused, unresolvable, reset, TLS failure, wrong protocol. */
    REGISTRY_UNREACHABLE(true),
    /** The pull did not finish within its timeout. */
    PULL_TIMEOUT(true),

    // ---- the request ----
    /** The configured policy refuses the request (image allowlist, a maximum, network, user). */
    POLICY_DENIED(false),
    /** The request is malformed: an unknown, missing or out-of-range parameter, or a reference that does not resolve. */
    INVALID_REQUEST(false),

    // ---- the output file of a run ----
    /** The program exited 0 but did not write its output file. */
    OUTPUT_FILE_MISSING(false),
    /** The output file is larger than the configured maximum. */
    OUTPUT_FILE_TOO_LARGE(false),
    /** The output file is not a regular file (a directory, a FIFO, a link leading outside) or could not be read. */
    OUTPUT_FILE_UNREADABLE(false),

    // ---- the engine ----
    /** The container engine or cluster API could not be reached before anything ran. */
    ENGINE_UNREACHABLE(true),
    /** The connection to the engine (or the container's streams, or its pod) was lost while it ran. */
    ENGINE_LOST(true),
    /** The engine or cluster API refused or failed an operation for a reason not classed above. */
    ENGINE_ERROR(false),
    /** The attempt's audit line could not be written (the attempt was refused, or it ran and its line is missing). */
    AUDIT_FAILED(false),

    // ---- collecting files (collect_output entries and results) ----
    /** The path does not exist in the container. */
    NOT_FOUND(false),
    /** The file is larger than the per-file limit. */
    TOO_LARGE(false),
    /** A directory without files, a FIFO, device or socket, or a link leading outside the run's directories. */
    NOT_A_REGULAR_FILE(false),
    /** The action's budget (entries, inline bytes, skipped bytes) or deadline was used up. */
    BUDGET_EXCEEDED(false),
    /** A name that is not valid UTF-8 or leaves the requested path. */
    UNSAFE_NAME(false),
    /** Reading the file from the engine or pod failed or came back short. */
    READ_FAILED(false),
    /** Storing the file in the object store (S3) failed. */
    UPLOAD_FAILED(true),
    /** A binary file holding a secret's value: never returned (text files are redacted instead). */
    CONTAINS_SECRET(false),

    // ---- inputs streamed from S3 into a run, before it starts ----
    /** An input object (or every object under an input prefix) does not exist. */
    INPUT_NOT_FOUND(false),
    /** An input object's bytes do not have the SHA-256 the request gave. */
    INPUT_CHECKSUM_MISMATCH(false),
    /** An input could not be read: S3 unreachable or failing, or its stream ended short. */
    INPUT_FAILED(true);

    /** The result key a reason goes under. */
    public static final String RESULT_KEY = "failure_reason";
    /** The result key of {@link #retryable()}. */
    public static final String RETRYABLE_KEY = "retryable";

    private static final Map<String, FailureReason> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(FailureReason::wireName, Function.identity()));

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

    /** The reason whose {@link #wireName()} is {@code wireName}, if any (exact, lower case). */
    public static Optional<FailureReason> of(String wireName) {
        return Optional.ofNullable(wireName == null ? null : BY_WIRE_NAME.get(wireName));
    }

    /** Every reason whose {@link #retryable()} is true (a new set each call). */
    public static Set<FailureReason> retryableReasons() {
        return Arrays.stream(values()).filter(FailureReason::retryable)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(FailureReason.class)));
    }
}
