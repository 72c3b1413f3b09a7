package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one run action, built with named steps ({@link #builder}). {@link #toMap} produces
 * the public result keys: the seed's ({@code success, exit_code, stdout, stderr, duration_seconds,
 * container_id, image_used} and, for run_with_input, {@code output_file_content}) followed by the
 * extra fields, ending with {@code failure_reason} (the verdict's {@link FailureReason}, null on
 * success), {@code retryable} and {@code attempt} (the engine's attempt number, from 1).
 * {@code stderr_merged} is true where the backend cannot tell the streams apart (Kubernetes: stderr
 * is inside stdout). Immutable and thread-safe.
 */
public final class RunResult {

    /** The stream encoding of text that may hold U+FFFD put there before the runner saw the bytes. */
    public static final String LOSSY = "utf-8-lossy";

    private final RunOutcome outcome;
    private final String error;
    private final Long exitCode;
    private final String stdout;
    private final String stderr;
    private final String stdoutEncoding;
    private final String stderrEncoding;
    private final boolean stdoutTruncated;
    private final boolean stderrTruncated;
    private final boolean stderrMerged;
    private final double durationSeconds;
    private final String containerId;
    private final String imageUsed;
    private final String imageDigest;
    private final boolean timedOut;
    private final boolean oomKilled;
    private final boolean withOutputFile;
    private final String outputFileContent;
    private final String outputFileEncoding;
    private final FailureReason failureReason;
    private final int attempt;

    private RunResult(Builder b) {
        this.outcome = Objects.requireNonNull(b.outcome, "outcome");
        this.error = b.error;
        this.exitCode = b.exitCode;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.stdoutEncoding = b.stdoutEncoding;
        this.stderrEncoding = b.stderrEncoding;
        this.stdoutTruncated = b.stdoutTruncated;
        this.stderrTruncated = b.stderrTruncated;
        this.stderrMerged = b.stderrMerged;
        this.durationSeconds = b.durationSeconds;
        this.containerId = b.containerId;
        this.imageUsed = b.imageUsed;
        this.imageDigest = b.imageDigest;
        this.timedOut = b.timedOut;
        this.oomKilled = b.oomKilled;
        this.withOutputFile = b.withOutputFile;
        this.outputFileContent = b.outputFileContent;
        this.outputFileEncoding = b.outputFileEncoding;
        this.failureReason = b.failureReason;
        this.attempt = b.attempt;
    }

    /**
     * A builder for the result of {@code container} (the public container_id).
     *
     * @param withOutputFile whether the result carries the output_file keys (run_with_input)
     */
    public static Builder builder(String containerId, boolean withOutputFile) {
        return new Builder(containerId, withOutputFile);
    }

    public RunOutcome outcome() {
        return outcome;
    }

    public boolean success() {
        return outcome == RunOutcome.SUCCEEDED;
    }

    public Long exitCode() {
        return exitCode;
    }

    public String error() {
        return error;
    }

    /** Why the run failed; null on success. */
    public FailureReason failureReason() {
        return failureReason;
    }

    /** The engine's attempt number of this run, from 1. */
    public int attempt() {
        return attempt;
    }

    public boolean timedOut() {
        return timedOut;
    }

    public boolean oomKilled() {
        return oomKilled;
    }

    public String containerId() {
        return containerId;
    }

    public String imageDigest() {
        return imageDigest;
    }

    public double durationSeconds() {
        return durationSeconds;
    }

    public String outputFileContent() {
        return outputFileContent;
    }

    public String outputFileEncoding() {
        return outputFileEncoding;
    }

    /** The public result map (keys and order are public API). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", success());
        m.put("exit_code", exitCode);
        m.put("stdout", stdout);
        m.put("stderr", stderr);
        if (withOutputFile) {
            m.put("output_file_content", outputFileContent);
            m.put("output_file_encoding", outputFileEncoding);
        }
        m.put("duration_seconds", durationSeconds);
        m.put("container_id", containerId);
        m.put("image_used", imageUsed);
        m.put("image_digest", imageDigest);
        m.put("timed_out", timedOut);
        m.put("oom_killed", oomKilled);
        m.put("stdout_truncated", stdoutTruncated);
        m.put("stderr_truncated", stderrTruncated);
        m.put("stderr_merged", stderrMerged);
        m.put("stdout_encoding", stdoutEncoding);
        m.put("stderr_encoding", stderrEncoding);
        m.put("error", error);
        m.put(FailureReason.RESULT_KEY, failureReason == null ? null : failureReason.wireName());
        m.put(FailureReason.RETRYABLE_KEY, failureReason != null && failureReason.retryable());
        m.put("attempt", attempt);
        return m;
    }

    /** Named steps; {@link #verdict} or {@link #cancelledBeforeStart} is required. Not thread-safe. */
    public static final class Builder {
        private RunOutcome outcome;
        private String error;
        private Long exitCode;
        private String stdout = "";
        private String stderr = "";
        private String stdoutEncoding = "utf-8";
        private String stderrEncoding = "utf-8";
        private boolean stdoutTruncated;
        private boolean stderrTruncated;
        private boolean stderrMerged;
        private double durationSeconds;
        private final String containerId;
        private String imageUsed;
        private String imageDigest;
        private boolean timedOut;
        private boolean oomKilled;
        private final boolean withOutputFile;
        private String outputFileContent;
        private String outputFileEncoding;
        private FailureReason failureReason;
        private int attempt = 1;

        private Builder(String containerId, boolean withOutputFile) {
            this.containerId = containerId;
            this.withOutputFile = withOutputFile;
        }

        /** The image as requested ({@code image_used}) and the digest or id that ran ({@code image_digest}). */
        public Builder image(String requested, String digest) {
            this.imageUsed = requested;
            this.imageDigest = digest;
            return this;
        }

        /** What was captured of stdout and stderr; {@code stderrMerged} when stderr is inside stdout. */
        public Builder output(OutputCapture capture, boolean stderrMerged) {
            return output(capture, stderrMerged, false);
        }

        /**
         * As {@link #output(OutputCapture, boolean)}, for a backend whose output reaches the runner
         * through a path that may already have replaced invalid UTF-8 with U+FFFD ({@code lossyPath}:
         * the kubelet's log files with the Docker json-file driver). Text that then contains U+FFFD
         * is reported with encoding {@value #LOSSY} instead of being passed off as exact.
         */
        public Builder output(OutputCapture capture, boolean stderrMerged, boolean lossyPath) {
            Encoded out = lossy(capture.stdout().encoded(), lossyPath);
            Encoded err = lossy(capture.stderr().encoded(), lossyPath);
            this.stdout = out.text();
            this.stderr = err.text();
            this.stdoutEncoding = out.encoding();
            this.stderrEncoding = err.encoding();
            this.stdoutTruncated = capture.stdout().truncated();
            this.stderrTruncated = capture.stderr().truncated();
            this.stderrMerged = stderrMerged;
            return this;
        }

        private static Encoded lossy(Encoded e, boolean lossyPath) {
            return lossyPath && "utf-8".equals(e.encoding()) && e.text().indexOf('\uFFFD') >= 0 ? new Encoded(e.text(), LOSSY) : e;
        }

        /** Wall time from start to exit, in seconds (millisecond precision). */
        public Builder durationSeconds(double seconds) {
            this.durationSeconds = seconds;
            return this;
        }

        /** The output_file read back (content and encoding; its problem goes into the verdict). */
        public Builder outputFile(OutputFile file) {
            if (file != null) {
                this.outputFileContent = file.content();
                this.outputFileEncoding = file.encoding();
            }
            return this;
        }

        /** How the run ended, with the error text the verdict gives in {@code words}. */
        public Builder verdict(RunVerdict verdict, String error) {
            this.outcome = verdict.outcome();
            this.error = error;
            this.exitCode = verdict.exitCode();
            this.timedOut = verdict.timedOut();
            this.oomKilled = verdict.oomKilled();
            this.failureReason = verdict.failureReason();
            return this;
        }

        /** The engine's attempt number ({@code ActionContext.attempt()}, from 1). */
        public Builder attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        /** The task was cancelled before the container started: nothing ran. */
        public Builder cancelledBeforeStart() {
            this.outcome = RunOutcome.CANCELLED;
            this.error = "the task was cancelled before the container started";
            this.failureReason = FailureReason.CANCELLED;
            return this;
        }

        public RunResult build() {
            return new RunResult(this);
        }
    }
}
