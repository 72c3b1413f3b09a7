package dev.containerrunner.engine;

import dev.containerrunner.spi.FailureReason;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Map;

/**
 * The engine's spans: {@code workflow.run} for one run of a workflow, and under it
 * {@code workflow.task} for each attempt of a task (a retried task has one per attempt). The
 * attempt's span is current while the action runs, so an app's own spans are its children.
 *
 * @apiNote Thread-safe.
 */
final class EngineTracing {

    static final String SCOPE = "dev.containerrunner.engine";
    static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("workflow.name");
    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("workflow.run_id");
    static final AttributeKey<Long> TASKS = AttributeKey.longKey("workflow.tasks");
    static final AttributeKey<Boolean> SUCCEEDED = AttributeKey.booleanKey("workflow.succeeded");
    static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("workflow.task.id");
    static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("workflow.task.function");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("workflow.task.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("workflow.task.outcome");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("workflow.task.failure_reason");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;

    EngineTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    /** Starts the span of one run of {@code plan}, a child of the caller's current span, if any. */
    Span startRun(Plan plan, String runId) {
        return tracer.spanBuilder("workflow.run").setAttribute(WORKFLOW, plan.workflow().name()).setAttribute(RUN_ID, runId)
                .setAttribute(TASKS, (long) plan.tasks().size()).startSpan();
    }

    /** Ends the run's span: status error unless every task succeeded (or was skipped by its exit code). */
    static void endRun(Span run, boolean succeeded) {
        run.setAttribute(SUCCEEDED, succeeded);
        if (!succeeded) {
            run.setStatus(StatusCode.ERROR, "a task failed");
        }
        run.end();
    }

    /** Starts the span of attempt {@code attempt} of {@code spec}, a child of {@code run} (the run's context). */
    Span startAttempt(Context run, TaskSpec spec, int attempt) {
        return tracer.spanBuilder("workflow.task").setParent(run).setAttribute(TASK_ID, spec.taskId())
                .setAttribute(FUNCTION, spec.function()).setAttribute(ATTEMPT, (long) attempt).startSpan();
    }

    /** Ends an attempt's span with its outcome; a failed one has status error, its error and failure reason. */
    static void endAttempt(Span span, Map<String, Object> result, String error) {
        if (error == null) {
            span.setAttribute(OUTCOME, "succeeded");
        } else {
            span.setAttribute(OUTCOME, "failed");
            if (result.get(FailureReason.RESULT_KEY) instanceof String reason) {
                span.setAttribute(REASON, reason);
                span.setAttribute(ERROR_TYPE, reason);
            }
            span.setStatus(StatusCode.ERROR, error);
        }
        span.end();
    }
}
