package dev.containerrunner.plugin.execution;

import java.util.Locale;

/**
 * How a run ended, decided once by {@link RunVerdict} from what the backend observed. Everything
 * downstream (the result's flags, its {@code error}, the audit line's {@code outcome}) reads this
 * value; nothing works it out again from message text.
 */
public enum RunOutcome {
    /** Exit code 0, output read, output_file (if asked for) delivered. */
    SUCCEEDED("succeeded"),
    /** The program exited with a non-zero code (other than an unexplained SIGKILL). */
    EXIT_CODE("failed"),
    /** The runner stopped it at {@code timeout_seconds}. */
    TIMED_OUT("timed_out"),
    /**
     * The runtime refused to start the container (Kubernetes: its terminated state says so, e.g.
     * {@code StartError}); on Docker a refused start is an engine error thrown before any result.
     */
    START_FAILED("failed"),
    /** The engine or kernel reported an OOM kill. */
    OOM_KILLED("oom_killed"),
    /** Exit 137 that the runner did not cause and no OOM flag: an unexplained SIGKILL. */
    KILLED("failed"),
    /** The task was cancelled (before or while the container ran). */
    CANCELLED("cancelled"),
    /** Exit 0, but output_file is missing, too large or unreadable. */
    OUTPUT_FILE_FAILED("failed"),
    /** Exit 0, but reading stdout/stderr failed. */
    OUTPUT_READ_FAILED("failed"),
    /** Exit 0, but the runner could not deliver all of input_data to the container's stdin while it ran. */
    INPUT_NOT_DELIVERED("failed");

    private final String auditName;

    RunOutcome(String auditName) {
        this.auditName = auditName;
    }

    /** The audit line's {@code outcome} value (public API: succeeded, failed, timed_out, oom_killed, cancelled). */
    public String auditName() {
        return auditName;
    }

    /** Lower-case name of this constant. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
