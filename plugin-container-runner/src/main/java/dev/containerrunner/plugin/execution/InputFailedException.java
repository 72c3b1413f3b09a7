package dev.containerrunner.plugin.execution;

/**
 * An input of the run could not be delivered before the container started: missing
 * ({@code input_not_found}), not the bytes the request's sha256 names ({@code input_checksum_mismatch}),
 * a key that would leave its directory ({@code unsafe_name}), too many objects ({@code budget_exceeded}),
 * or a read that failed or ended short ({@code input_failed}, retryable). Nothing ran.
 */
public class InputFailedException extends ContainerEngineException {

    private static final long serialVersionUID = 1L;

    /** A failure of class {@code reason}, for the input {@code url}. */
    public InputFailedException(String url, String message, Throwable cause, FailureReason reason) {
        super("input " + url, message, cause, reason);
    }
}
