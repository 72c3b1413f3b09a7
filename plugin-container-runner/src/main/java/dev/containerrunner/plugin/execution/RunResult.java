package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one run action, built with named steps ({@link #builder}). {@link #toMap} produces
 * the public result keys: the seed's ({@code success, exit_code, stdout, stderr, duration_seconds,
 * container_id, image_used} and, for run_with_input, {@code output_file_content}) followed by the
 * extra fields, ending with {@code failure_reason} (the verdict's {@link FailureReason}, null on
 * success), {@code retryable} and {@code attempt} (the engine's attempt number, from 1);
 * {@code usage} and {@code usage_unavailable_reason} ({@link UsageReport}) come just before {@code error}.
 * {@code stderr_merged} is true where the backend cannot tell the streams apart (Kubernetes: stderr
 * is inside stdout). {@code redacted}, present only when a secret's value was replaced with
 * {@value Redactor#MARK}, lists the keys where that happened. Immutable and thread-safe.
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
    private final List<String> redacted;
    private final FailureReason failureReason;
    private final int attempt;
    private final List<DeliveredInput> inputs;
    private final UsageReport usage;

    RunResult(RunResultBuilder b) {
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
        this.redacted = List.copyOf(b.redacted);
        this.failureReason = b.failureReason;
        this.attempt = b.attempt;
        this.inputs = List.copyOf(b.inputs);
        this.usage = b.usage;
    }

    /**
     * A builder for the result of {@code container} (the public container_id).
     *
     * @param withOutputFile whether the result carries the output_file keys (run_with_input)
     */
    public static RunResultBuilder builder(String containerId, boolean withOutputFile) {
        return new RunResultBuilder(containerId, withOutputFile);
    }

    /** The objects of {@code inputs} delivered before the container started (for the audit line; not a result key). */
    public List<DeliveredInput> inputs() {
        return inputs;
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

    /** What the run used, or why that is unknown. */
    public UsageReport usage() {
        return usage;
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

    /**
     * This result with the values {@code redactor} knows replaced in {@code error} too (stdout,
     * stderr and output_file were redacted as they were read); this very result when none occurs.
     */
    public RunResult redacted(Redactor redactor) {
        String safe = redactor.redact(error);
        if (safe == null || safe.equals(error)) {
            return this;
        }
        RunResultBuilder b = copy();
        b.error = safe;
        b.redacted.add("error");
        return b.build();
    }

    /**
     * This result listing {@code delivered} as the objects of {@code inputs} it delivered (for a
     * backend that learns them outside the run's own result); this very result when none were.
     */
    public RunResult withInputs(List<DeliveredInput> delivered) {
        if (delivered.isEmpty()) {
            return this;
        }
        return copy().inputs(delivered).build();
    }

    private RunResultBuilder copy() {
        RunResultBuilder b = new RunResultBuilder(containerId, withOutputFile).image(imageUsed, imageDigest).durationSeconds(durationSeconds);
        b.outcome = outcome;
        b.error = error;
        b.exitCode = exitCode;
        b.stdout = stdout;
        b.stderr = stderr;
        b.stdoutEncoding = stdoutEncoding;
        b.stderrEncoding = stderrEncoding;
        b.stdoutTruncated = stdoutTruncated;
        b.stderrTruncated = stderrTruncated;
        b.stderrMerged = stderrMerged;
        b.timedOut = timedOut;
        b.oomKilled = oomKilled;
        b.outputFileContent = outputFileContent;
        b.outputFileEncoding = outputFileEncoding;
        b.failureReason = failureReason;
        b.attempt = attempt;
        b.inputs.addAll(inputs);
        b.usage = usage;
        b.redacted.addAll(redacted);
        return b;
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
        usage.putInto(m);
        m.put("error", error);
        m.put(FailureReason.RESULT_KEY, failureReason == null ? null : failureReason.wireName());
        m.put(FailureReason.RETRYABLE_KEY, failureReason != null && failureReason.retryable());
        m.put("attempt", attempt);
        if (!redacted.isEmpty()) {
            m.put("redacted", redacted);
        }
        return m;
    }
}
