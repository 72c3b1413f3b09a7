package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.MemorySize;
import java.time.Duration;

/**
 * The one ladder that turns what a backend observed into a {@link RunOutcome} and the result's
 * {@code error} text, for every backend. The few words that differ by backend are a
 * {@link Wording}, not copies of the ladder.
 *
 * <p>Precedence: cancelled, timed out, start refused by the runtime, OOM-killed, unexplained
 * SIGKILL (137), other non-zero exit (or none), input_data not delivered, output read failure,
 * output_file problem, success. Each rung has one {@link FailureReason} ({@link #failureReason()}).
 *
 * @param cancelled         the task was cancelled while (or before) the container ran
 * @param timedOut          the runner stopped it at the timeout
 * @param oomKilled         the engine/kernel reported an OOM kill
 * @param exitCode          the exit code, null when there is none (stopped before it ended)
 * @param outputReadError   why reading stdout/stderr failed, null when it did not
 * @param outputFileProblem why output_file could not be delivered, null when it was (or was not asked for)
 * @param inputProblem      why input_data was not delivered whole, null when it was (or none was given)
 * @param outputFileReason  the class of {@code outputFileProblem} (null: {@code output_file_unreadable})
 * @param startProblem      why the runtime refused to start the container, null when it started
 */
public record RunVerdict(boolean cancelled, boolean timedOut, boolean oomKilled, Long exitCode, Throwable outputReadError,
                         String outputFileProblem, String inputProblem, FailureReason outputFileReason, String startProblem) {

    /** A verdict of a run that started, without a classed output_file problem. */
    public RunVerdict(boolean cancelled, boolean timedOut, boolean oomKilled, Long exitCode, Throwable outputReadError,
                      String outputFileProblem, String inputProblem) {
        this(cancelled, timedOut, oomKilled, exitCode, outputReadError, outputFileProblem, inputProblem, null, null);
    }

    /** A verdict of a run whose input_data, if any, was delivered whole. */
    public RunVerdict(boolean cancelled, boolean timedOut, boolean oomKilled, Long exitCode, Throwable outputReadError,
                      String outputFileProblem) {
        this(cancelled, timedOut, oomKilled, exitCode, outputReadError, outputFileProblem, null);
    }

    /** Exit status of a process killed by SIGKILL. */
    public static final long SIGKILL_EXIT = 137;

    /**
     * The words that differ between backends.
     *
     * @param stopped   what stopping did, e.g. "the container was stopped" / "the pod was deleted"
     * @param oomKiller who kills on OOM, e.g. "the engine" / "the kernel"
     * @param output    what the output was read from, e.g. "output" / "log"
     */
    public record Wording(String stopped, String oomKiller, String output) {
        /** Docker's words. */
        public static final Wording DOCKER = new Wording("the container was stopped", "the engine", "output");
        /** Kubernetes' words. */
        public static final Wording KUBERNETES = new Wording("the pod was deleted", "the kernel", "log");
    }

    /** This verdict with output_file read back as {@code file} (null: not asked for, or not read). */
    public RunVerdict withOutputFile(OutputFile file) {
        return file == null ? this : new RunVerdict(cancelled, timedOut, oomKilled, exitCode, outputReadError, file.problem(),
                inputProblem, file.reason(), startProblem);
    }

    /** This verdict of a container the runtime refused to start, saying why (null: it started). */
    public RunVerdict withStartProblem(String problem) {
        return new RunVerdict(cancelled, timedOut, oomKilled, exitCode, outputReadError, outputFileProblem, inputProblem,
                outputFileReason, problem);
    }

    /** The outcome this verdict stands for. */
    public RunOutcome outcome() {
        if (cancelled) {
            return RunOutcome.CANCELLED;
        }
        if (timedOut) {
            return RunOutcome.TIMED_OUT;
        }
        if (startProblem != null) {
            return RunOutcome.START_FAILED;
        }
        if (oomKilled) {
            return RunOutcome.OOM_KILLED;
        }
        if (exitCode != null && exitCode == SIGKILL_EXIT) {
            return RunOutcome.KILLED;
        }
        if (exitCode == null || exitCode != 0) {
            return RunOutcome.EXIT_CODE;
        }
        if (inputProblem != null) {
            return RunOutcome.INPUT_NOT_DELIVERED;
        }
        if (outputReadError != null) {
            return RunOutcome.OUTPUT_READ_FAILED;
        }
        return outputFileProblem != null ? RunOutcome.OUTPUT_FILE_FAILED : RunOutcome.SUCCEEDED;
    }

    /**
     * The result's {@code failure_reason}: null on success, else the one reason of the outcome's
     * rung (an output_file problem by its class: missing, too large, unreadable; input_data not
     * delivered and a failed output read are transport failures while the container ran:
     * {@code engine_lost}).
     */
    public FailureReason failureReason() {
        return switch (outcome()) {
            case SUCCEEDED -> null;
            case EXIT_CODE -> FailureReason.EXIT_CODE;
            case TIMED_OUT -> FailureReason.TIMEOUT;
            case START_FAILED -> FailureReason.START_FAILED;
            case OOM_KILLED -> FailureReason.OOM_KILLED;
            case KILLED -> FailureReason.KILLED;
            case CANCELLED -> FailureReason.CANCELLED;
            case OUTPUT_FILE_FAILED -> outputFileReason != null ? outputFileReason : FailureReason.OUTPUT_FILE_UNREADABLE;
            case OUTPUT_READ_FAILED, INPUT_NOT_DELIVERED -> FailureReason.ENGINE_LOST;
        };
    }

    /** The result's {@code error}: null on success, else one sentence saying what happened. */
    public String error(Wording words, Duration timeout, Duration stopGrace, MemorySize memoryLimit) {
        return switch (outcome()) {
            case SUCCEEDED -> null;
            case CANCELLED -> "the task was cancelled; " + words.stopped();
            case TIMED_OUT -> "timed out after " + timeout.toSeconds() + " s; " + words.stopped()
                    + " (SIGTERM, then SIGKILL after " + stopGrace.toSeconds() + " s)";
            case OOM_KILLED -> "out of memory: " + words.oomKiller() + " killed a process of the container (memory_limit "
                    + memoryLimit + ")";
            case START_FAILED -> startProblem;
            case KILLED -> unexplainedSigkill(memoryLimit);
            case EXIT_CODE -> "the container exited with code " + exitCode;
            case OUTPUT_READ_FAILED -> "reading the container's " + words.output() + " failed: " + outputReadError.getMessage();
            case OUTPUT_FILE_FAILED -> outputFileProblem;
            case INPUT_NOT_DELIVERED -> inputProblem;
        };
    }

    /**
     * The error of a run that ended with SIGKILL (exit 137) the runner did not send while the engine
     * reported no OOM kill. Nothing measured says which it was, so both are named and neither is
     * called likely: an OOM kill whose event was lost (cgroup v1 engines, and the kubelet, which
     * reads the engine's flag, can lose it under load), or a SIGKILL from inside the container (or a
     * program that exits with 137 itself). Never reported as an OOM.
     */
    static String unexplainedSigkill(MemorySize memoryLimit) {
        return "the container was killed by SIGKILL (exit code 137), not sent by the runner, and the engine reported no OOM"
                + " kill: either an OOM kill the engine did not report (cgroup v1 engines can lose the OOM event; memory_limit "
                + memoryLimit + ") or a SIGKILL from inside the container (or a program that exited with 137 itself)";
    }
}
