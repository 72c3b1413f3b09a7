package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one run action. {@link #toMap} produces the public result keys: the seed's
 * ({@code success, exit_code, stdout, stderr, duration_seconds, container_id, image_used} and, for
 * run_with_input, {@code output_file_content}) followed by the extra fields. {@code stderr_merged}
 * is true where the backend cannot tell the streams apart (Kubernetes: stderr is inside stdout).
 */
public record RunResult(
        boolean success,
        Long exitCode,
        String stdout,
        String stderr,
        double durationSeconds,
        String containerId,
        String imageUsed,
        String imageDigest,
        boolean timedOut,
        boolean oomKilled,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        String error,
        boolean withOutputFile,
        String outputFileContent,
        String outputFileEncoding,
        boolean stderrMerged) {

    /**
     * The error of a run that ended with SIGKILL (exit 137) the runner did not send while the engine
     * reported no OOM kill: with a memory limit it most likely was one, since cgroup v1 engines (and
     * the kubelet, which reads the engine's flag) can lose the OOM event. Never reported as an OOM.
     */
    public static String unexplainedSigkill(dev.containerrunner.plugin.model.MemorySize memoryLimit) {
        return "the container was killed by SIGKILL (exit code 137), not sent by the runner; the engine reported no OOM"
                + " kill, but with memory_limit " + memoryLimit + " it most likely was one (cgroup v1 engines can"
                + " lose the OOM event)";
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", success);
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
        m.put("error", error);
        return m;
    }
}
