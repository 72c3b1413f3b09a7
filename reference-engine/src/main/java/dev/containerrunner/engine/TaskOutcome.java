package dev.containerrunner.engine;

/**
 * How one task ended.
 *
 * @param error null when it succeeded; why it failed or was skipped otherwise
 */
public record TaskOutcome(String taskId, String function, Status status, double durationSeconds, String error) {

    /** The states a finished task can be in. */
    public enum Status {
        SUCCEEDED, FAILED, SKIPPED;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
