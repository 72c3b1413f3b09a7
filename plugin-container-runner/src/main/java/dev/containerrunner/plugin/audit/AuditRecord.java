package dev.containerrunner.plugin.audit;

import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.model.RunRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One audit line: an execution attempt and how it ended. Environment and secret values never
 * appear, only their names. Field names are public API (users parse the audit log).
 */
public final class AuditRecord {

    /** How an attempt ended. */
    public enum Outcome {
        SUCCEEDED, FAILED, TIMED_OUT, OOM_KILLED, CANCELLED, DENIED, INVALID, ERROR,
        /** Not an end: the {@code started} line written before anything is created (with {@code audit_start_lines}). */
        STARTED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private AuditRecord() {
    }

    /**
     * A record for an attempt of {@code action}, with a fresh random {@code attempt_id} (shared by the
     * attempt's started line and its final line); the ids may be null (validation has none).
     */
    public static AuditRecord attempt(String phase, String action, String workflow, String runId, String taskId) {
        AuditRecord r = new AuditRecord();
        r.fields.put("timestamp", Instant.now().toString());
        r.fields.put("phase", phase);
        r.fields.put("workflow", workflow);
        r.fields.put("run_id", runId);
        r.fields.put("task_id", taskId);
        r.fields.put("action", action);
        r.fields.put("attempt_id", UUID.randomUUID().toString());
        r.fields.put("attempt", null);
        return r;
    }

    /** The engine's attempt number of the task ({@code ActionContext.attempt()}, from 1); null while validating. */
    public AuditRecord attemptNumber(int attempt) {
        fields.put("attempt", attempt);
        return this;
    }

    /** The random id shared by this attempt's lines. */
    public String attemptId() {
        return (String) fields.get("attempt_id");
    }

    /** Where the attempt runs: {@code docker} or {@code kubernetes}. */
    public AuditRecord backend(String backend) {
        fields.put("backend", backend);
        return this;
    }

    /** The image as requested, when even the request could not be parsed. */
    public AuditRecord rawImage(Object image) {
        fields.put("image_requested", image instanceof String s ? s : null);
        return this;
    }

    /**
     * What was asked for: image, command, environment names (never values), limits, network, files,
     * the names of the secrets used and of the variables {@code secret_env} sets (never a value).
     *
     * @param pidsLimit the pids limit the container gets; empty where none is applied (Kubernetes):
     *                  {@code limits.pids_limit} is then null
     */
    public AuditRecord request(RunRequest request, String user, java.util.OptionalLong pidsLimit) {
        fields.put("image_requested", request.requestedImage());
        fields.put("image_resolved", request.image().canonical());
        fields.put("command", request.command().orElse(null));
        fields.put("args", request.args());
        fields.put("environment_names", List.copyOf(new TreeSet<>(request.environment().keySet())));
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("timeout_seconds", request.timeout().toSeconds());
        limits.put("memory_limit", request.memory().toString());
        limits.put("cpu_limit", request.cpu());
        limits.put("pids_limit", pidsLimit.isPresent() ? pidsLimit.getAsLong() : null);
        fields.put("limits", limits);
        fields.put("network", request.network().wireName());
        fields.put("pull_policy", request.pullPolicy().wireName());
        fields.put("user", user);
        fields.put("stdin_bytes", request.inputData().map(b -> b.length).orElse(null));
        fields.put("input_file", request.inputFile().map(f -> f.path().value()).orElse(null));
        fields.put("output_file", request.outputFile().map(Object::toString).orElse(null));
        fields.put("profile", request.profile().orElse(null));
        fields.put("secret_names", request.secrets().names());
        fields.put("secret_env_names", List.copyOf(request.secrets().environment().keySet()));
        if (!request.inputs().isEmpty()) { // as requested; the final line lists what was delivered (size, sha256)
            fields.put("inputs", request.inputs().stream().map(in -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("s3_url", in.url().toString());
                m.put("path", in.path().value());
                m.put("size_bytes", null);
                m.put("sha256", in.sha256().orElse(null));
                return m;
            }).toList());
        }
        return this;
    }

    /**
     * The registry the image comes from and where the pull's credentials come from (e.g.
     * {@code registries[registry.example.com] password_env REGISTRY_TOKEN}), null for an anonymous
     * pull. Never a secret.
     */
    public AuditRecord registry(String registry, String credentialSource) {
        fields.put("registry", registry);
        fields.put("credential", credentialSource);
        return this;
    }

    /**
     * How the run ended; the outcome is the typed {@link RunResult#outcome()}, never read from message
     * text. Carries the result's {@code usage} and {@code usage_unavailable_reason}.
     */
    public AuditRecord result(RunResult result) {
        Outcome outcome = Outcome.valueOf(result.outcome().auditName().toUpperCase(java.util.Locale.ROOT));
        fields.put("image_digest", result.imageDigest());
        fields.put("container_id", result.containerId());
        fields.put("exit_code", result.exitCode());
        fields.put("duration_seconds", result.durationSeconds());
        if (!result.inputs().isEmpty()) {
            fields.put("inputs", result.inputs().stream().map(dev.containerrunner.plugin.execution.DeliveredInput::toMap).toList());
        }
        result.usage().putInto(fields); // usage, usage_unavailable_reason: as in the result
        return outcome(outcome, result.error(), result.failureReason());
    }

    /** A thrown run's {@code usage} and {@code usage_unavailable_reason}, as its result carries them. */
    public AuditRecord usage(dev.containerrunner.plugin.execution.UsageReport usage) {
        usage.putInto(fields);
        return this;
    }

    /**
     * The line's {@code outcome} and {@code reason} (null when there is none); its
     * {@code failure_reason} is {@code invalid_request} for {@code invalid}, {@code policy_denied}
     * for {@code denied}, null otherwise.
     */
    public AuditRecord outcome(Outcome outcome, String reason) {
        return outcome(outcome, reason, switch (outcome) {
            case INVALID -> FailureReason.INVALID_REQUEST;
            case DENIED -> FailureReason.POLICY_DENIED;
            default -> null;
        });
    }

    /** The line's {@code outcome}, {@code reason} and {@code failure_reason} (null when there is none). */
    public AuditRecord outcome(Outcome outcome, String reason, FailureReason failureReason) {
        fields.put("failure_reason", failureReason == null ? null : failureReason.wireName()); // before outcome: it stays last
        fields.put("outcome", outcome.wire());
        fields.put("reason", reason);
        return this;
    }

    /**
     * The attempt's {@code started} line: a copy of the fields so far (ids, request, limits) with
     * {@code outcome: started} and no reason. This record is not changed.
     */
    public AuditRecord started() {
        AuditRecord s = new AuditRecord();
        s.fields.putAll(fields);
        s.fields.remove("outcome");
        s.fields.remove("reason");
        s.fields.remove("failure_reason");
        return s.outcome(Outcome.STARTED, null);
    }

    /** The fields in write order. */
    public Map<String, Object> fields() {
        return fields;
    }
}
