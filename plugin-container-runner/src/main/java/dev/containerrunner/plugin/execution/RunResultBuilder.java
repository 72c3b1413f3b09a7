package dev.containerrunner.plugin.execution;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link RunResult} in named steps; {@link #verdict} or {@link #cancelledBeforeStart} is
 * required. Not thread-safe.
 */
public final class RunResultBuilder {
    RunOutcome outcome;
    String error;
    Long exitCode;
    String stdout = "";
    String stderr = "";
    String stdoutEncoding = "utf-8";
    String stderrEncoding = "utf-8";
    boolean stdoutTruncated;
    boolean stderrTruncated;
    boolean stderrMerged;
    double durationSeconds;
    final String containerId;
    String imageUsed;
    String imageDigest;
    boolean timedOut;
    boolean oomKilled;
    final boolean withOutputFile;
    String outputFileContent;
    String outputFileEncoding;
    final List<String> redacted = new ArrayList<>();
    FailureReason failureReason;
    int attempt = 1;
    final List<DeliveredInput> inputs = new ArrayList<>();
    UsageReport usage = UsageReport.unavailable(UsageUnavailable.NOT_STARTED);

    RunResultBuilder(String containerId, boolean withOutputFile) {
        this.containerId = containerId;
        this.withOutputFile = withOutputFile;
    }

    /** The image as requested ({@code image_used}) and the digest or id that ran ({@code image_digest}). */
    public RunResultBuilder image(String requested, String digest) {
        this.imageUsed = requested;
        this.imageDigest = digest;
        return this;
    }

    /** What was captured of stdout and stderr; {@code stderrMerged} when stderr is inside stdout. */
    public RunResultBuilder output(OutputCapture capture, boolean stderrMerged) {
        return output(capture, stderrMerged, false);
    }

    /**
     * As {@link #output(OutputCapture, boolean)}, for a backend whose output reaches the runner
     * through a path that may already have replaced invalid UTF-8 with U+FFFD ({@code lossyPath}:
     * the kubelet's log files with the Docker json-file driver). Text that then contains U+FFFD
     * is reported with encoding {@value RunResult#LOSSY} instead of being passed off as exact.
     */
    public RunResultBuilder output(OutputCapture capture, boolean stderrMerged, boolean lossyPath) {
        Encoded out = lossy(capture.stdout().encoded(), lossyPath);
        Encoded err = lossy(capture.stderr().encoded(), lossyPath);
        this.stdout = out.text();
        this.stderr = err.text();
        this.stdoutEncoding = out.encoding();
        this.stderrEncoding = err.encoding();
        this.stdoutTruncated = capture.stdout().truncated();
        this.stderrTruncated = capture.stderr().truncated();
        this.stderrMerged = stderrMerged;
        if (capture.stdout().redacted()) {
            redacted.add("stdout");
        }
        if (capture.stderr().redacted()) {
            redacted.add("stderr");
        }
        return this;
    }

    private static Encoded lossy(Encoded e, boolean lossyPath) {
        return lossyPath && "utf-8".equals(e.encoding()) && e.text().indexOf('\uFFFD') >= 0 ? new Encoded(e.text(), RunResult.LOSSY) : e;
    }

    /** Wall time from start to exit, in seconds (millisecond precision). */
    public RunResultBuilder durationSeconds(double seconds) {
        this.durationSeconds = seconds;
        return this;
    }

    /** The output_file read back (content and encoding; its problem goes into the verdict). */
    public RunResultBuilder outputFile(OutputFile file) {
        if (file != null) {
            this.outputFileContent = file.content();
            this.outputFileEncoding = file.encoding();
            if (file.redacted()) {
                redacted.add("output_file_content");
            }
        }
        return this;
    }

    /** How the run ended, with the error text the verdict gives in {@code words}. */
    public RunResultBuilder verdict(RunVerdict verdict, String error) {
        this.outcome = verdict.outcome();
        this.error = error;
        this.exitCode = verdict.exitCode();
        this.timedOut = verdict.timedOut();
        this.oomKilled = verdict.oomKilled();
        this.failureReason = verdict.failureReason();
        return this;
    }

    /** The engine's attempt number ({@code ActionContext.attempt()}, from 1). */
    public RunResultBuilder attempt(int attempt) {
        this.attempt = attempt;
        return this;
    }

    /** What the run used, or why that is unknown (default: {@code not_started}, nothing ran). */
    public RunResultBuilder usage(UsageReport usage) {
        this.usage = java.util.Objects.requireNonNull(usage, "usage");
        return this;
    }

    /** The task was cancelled before the container started: nothing ran. */
    public RunResultBuilder cancelledBeforeStart() {
        this.outcome = RunOutcome.CANCELLED;
        this.error = "the task was cancelled before the container started";
        this.failureReason = FailureReason.CANCELLED;
        return this;
    }

    /** The objects of {@code inputs} the run delivered before it started (audited, not a result key). */
    public RunResultBuilder inputs(List<DeliveredInput> delivered) {
        inputs.addAll(delivered);
        return this;
    }

    public RunResult build() {
        return new RunResult(this);
    }
}
