package dev.containerrunner.engine;

/**
 * How one task ended.
 *
 * @param error         null when it succeeded; why it failed or was skipped otherwise
 * @param attempts      how many attempts were made (0: skipped before it started)
 * @param failureReason why it failed, machine-readable (a {@code FailureReason} wire name; {@code cancelled}
 *                      when cancelled while waiting to retry); null when it did not fail or no reason is known
 * @param retryable     whether a new attempt might succeed (false unless it failed with a retryable reason)
 */
public record TaskOutcome(String taskId, String function, Status status, double durationSeconds, String error, int attempts,
                          String failureReason, boolean retryable) {

    /** An outcome of one attempt (0 when skipped) without a failure reason. */
    public TaskOutcome(String taskId, String function, Status status, double durationSeconds, String error) {
        this(taskId, function, status, durationSeconds, error, status == Status.SKIPPED ? 0 : 1, null, false);
    }

    /** The states a finished task can be in. */
    public enum Status {
        SUCCEEDED, FAILED, SKIPPED;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
