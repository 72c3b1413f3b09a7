package dev.containerrunner.plugin;

import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.AuditLogException;
import dev.containerrunner.plugin.audit.AuditRecord;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.config.SecretUnavailableException;
import dev.containerrunner.plugin.registry.CredentialsUnavailableException;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.NeutralLog;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.policy.ExecutionPolicy;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The attempts of the run actions and their audit lines: parse, backend check, policy, the
 * secrets' values, then the backend — each attempt audited exactly once when it ends (plus its {@code started} line with
 * {@code audit_start_lines}), and never run when the audit log cannot take its line.
 *
 * <p>The fail-closed rule: before the backend creates anything, {@link AuditLog#begin} must succeed
 * (the file can take a line; with start lines, the started line is written); otherwise the attempt
 * is refused with an {@link AuditLogException} and nothing is created. When the final line cannot
 * be written after the container ran, the task fails with an {@link AuditLogException} saying so.
 * A denial, invalid request or engine error whose line cannot be written fails with an
 * {@link AuditLogException} that carries the original message (and the original as suppressed).
 *
 * @apiNote Thread-safe: holds no state of its own; the engine calls it from many task threads.
 */
final class RunAttempts {

    private final Supplier<RunnerConfig> config;
    private final Supplier<? extends ContainerBackend> backend;
    private final Supplier<AuditLog> audit;

    RunAttempts(Supplier<RunnerConfig> config, Supplier<? extends ContainerBackend> backend, Supplier<AuditLog> audit) {
        this.config = config;
        this.backend = backend;
        this.audit = audit;
    }

    /**
     * The engine's check before a workflow runs: shape and policy. A policy denial here is an
     * attempt too and is audited (phase {@code validate}); the workflow then never starts.
     *
     * @throws InvalidKwargsException   for a request this backend or the policy refuses
     * @throws AuditLogException        when a denial's line cannot be written
     */
    void validate(String action, Map<String, Object> kwargs) {
        RunnerConfig c = config.get();
        RunRequest request = RunRequest.from(action, kwargs, c.requestDefaults());
        backend.get().check(request);
        try {
            new ExecutionPolicy(c).check(request);
        } catch (PolicyDeniedException e) {
            throw recorded(AuditRecord.attempt("validate", action, null, null, null).backend(c.backend().wireName())
                    .request(request, request.user().toString(), c.appliedPidsLimit())
                    .registry(request.image().domain(), credentialSource(c, request))
                    .outcome(AuditRecord.Outcome.DENIED, e.getMessage()), e);
        }
    }

    /**
     * One attempt of a run action.
     *
     * @return the action's result map
     * @throws InvalidKwargsException for a malformed or denied request (audited; nothing created)
     * @throws AuditLogException      when the audit log cannot take the attempt's line(s): before
     *                                anything is created (nothing runs), or after the container ran
     */
    Map<String, Object> run(String action, Map<String, Object> kwargs, ActionContext context) {
        ActionContext ctx = NeutralLog.context(context); // every line this attempt logs is neutralised (idempotent)
        RunnerConfig c = config.get();
        AuditRecord record = AuditRecord.attempt("run", action, ctx.workflowName(), ctx.runId(), ctx.taskId())
                .attemptNumber(ctx.attempt()).backend(c.backend().wireName()).rawImage(kwargs.get("image"));
        RunRequest request;
        try {
            request = RunRequest.from(action, kwargs, c.requestDefaults());
            backend.get().check(request);
        } catch (InvalidKwargsException e) {
            throw recorded(record.outcome(AuditRecord.Outcome.INVALID, e.getMessage()), e);
        }
        record.request(request, request.user().toString(), c.appliedPidsLimit()).registry(request.image().domain(), credentialSource(c, request));
        try {
            new ExecutionPolicy(c).check(request);
        } catch (PolicyDeniedException e) {
            throw recorded(record.outcome(AuditRecord.Outcome.DENIED, e.getMessage()), e);
        }
        RunSecrets secrets;
        try {
            secrets = RunSecrets.read(c.secrets(), request.secrets()); // read now, for this run only
        } catch (SecretUnavailableException e) {
            ActionFailedException refused = new ActionFailedException(action, "not run, nothing was created: " + e.getMessage(), e);
            throw recorded(record.outcome(AuditRecord.Outcome.ERROR, refused.getMessage()), refused);
        }
        RunResult result;
        try (secrets) {
            result = runAudited(action, request, secrets, ctx, record);
        }
        AuditLog log = audit.get();
        try {
            log.write(record.result(result));
        } catch (AuditLogException e) {
            throw new AuditLogException(action + ": the container ran (outcome " + result.outcome().auditName() + ", exit code "
                    + result.exitCode() + ", container " + result.containerId() + ") but its audit line is missing"
                    + (log.startLines() ? " (its started line, attempt_id " + record.attemptId() + ", was written)"
                    : "") + ": " + e.getMessage(), e.destination(), e);
        }
        ActionTracing.ran(request, result);
        return result.toMap();
    }

    /**
     * Begins the attempt in the audit log (refused: nothing is created) and runs it with the secret
     * values in {@code secrets}; what it returns, logs or throws has them replaced ({@link RunSecrets}).
     */
    private RunResult runAudited(String action, RunRequest request, RunSecrets secrets, ActionContext ctx, AuditRecord record) {
        AuditLog log = audit.get();
        try {
            log.begin(record);
        } catch (AuditLogException e) {
            AuditLogException refused = new AuditLogException(action + ": not run, nothing was created: " + e.getMessage(),
                    e.destination(), e);
            log.logOnly(record.outcome(AuditRecord.Outcome.ERROR, refused.getMessage(), FailureReason.AUDIT_FAILED));
            throw refused;
        }
        ActionContext runCtx = secrets.redacting(ctx);
        try {
            return backend.get().run(request, secrets, runCtx).redacted(secrets.redactor());
        } catch (RuntimeException e) {
            RuntimeException failure = secrets.scrub(e);
            // the engine's reason (e.g. a command that does not exist) also belongs in the live log, not only in the result
            runCtx.log().line(LogSink.Stream.SYSTEM, "the run failed: " + failure.getMessage());
            record.usage(ThrownRunUsage.attach(e, failure));
            throw recorded(record.outcome(AuditRecord.Outcome.ERROR, failure.getMessage(), FailureReason.of(failure).orElse(null)),
                    failure);
        }
    }

    /**
     * The audit line of a task the engine could not start (its kwargs could not be made): phase
     * {@code run}, outcome {@code invalid}, the engine's reason; no kwargs values.
     *
     * @throws AuditLogException when the line cannot be written
     */
    void notStarted(String action, ActionContext ctx, String reason) {
        RunnerConfig c = config.get();
        audit.get().write(AuditRecord.attempt("run", action, ctx.workflowName(), ctx.runId(), ctx.taskId())
                .attemptNumber(ctx.attempt()).backend(c.backend().wireName()).rawImage(null)
                .outcome(AuditRecord.Outcome.INVALID, "not started by the engine: " + reason));
    }

    /**
     * Writes the line of an attempt that ends with {@code failure} and returns what to throw:
     * {@code failure} itself, or, when the line cannot be written, an {@link AuditLogException}
     * carrying both messages.
     */
    private RuntimeException recorded(AuditRecord record, RuntimeException failure) {
        try {
            audit.get().write(record);
            return failure;
        } catch (AuditLogException e) {
            AuditLogException both = new AuditLogException(failure.getMessage() + "; this attempt is missing from the audit log: "
                    + e.getMessage(), e.destination(), e, FailureReason.of(failure).orElse(FailureReason.AUDIT_FAILED).spi());
            both.addSuppressed(failure);
            return both;
        }
    }

    /** Where the pull's credentials come from, for the audit line; never the secret. */
    private static String credentialSource(RunnerConfig c, RunRequest request) {
        try {
            return c.registry().credentials().sourceFor(request.image().domain()).orElse(null);
        } catch (CredentialsUnavailableException e) {
            return "unavailable: " + e.getMessage();
        }
    }
}
