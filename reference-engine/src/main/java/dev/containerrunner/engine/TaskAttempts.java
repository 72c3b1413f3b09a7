package dev.containerrunner.engine;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.FailureReason;
import dev.containerrunner.spi.KwargsValidator;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.spi.ResultFields;
import dev.containerrunner.spi.ResultStore;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task of a workflow run to its end: its attempts, each a new invocation of the action
 * with the next {@link ActionContext#attempt()} number, separated by the {@link RetryPolicy}'s
 * backoff (which cancellation ends at once); then what the last result means: success, a skip by
 * {@link ExitCodes}, or a failure with its {@code failure_reason}. The last attempt's result is
 * the one stored.
 *
 * @apiNote Thread-safe: holds no per-task state; the run's task threads share one instance.
 */
final class TaskAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(TaskAttempts.class);

    private final Plan plan;
    private final String runId;
    private final ResultStore store;
    private final TaskLogListener logListener;
    private final BackoffTimer timer;
    private final EngineTracing tracing;
    private final Context runContext;

    /** @param runContext the context of the run's span: each attempt's span is its child */
    TaskAttempts(Plan plan, String runId, ResultStore store, TaskLogListener logListener, BackoffTimer timer,
                 EngineTracing tracing, Context runContext) {
        this.plan = plan;
        this.runId = runId;
        this.store = store;
        this.logListener = logListener;
        this.timer = timer;
        this.tracing = tracing;
        this.runContext = runContext;
    }

    /** One attempt's result and, when it failed, why (as the task's error says it). */
    private record Attempt(Map<String, Object> result, String error) {
    }

    /**
     * Runs {@code t} (every attempt its retry policy allows), stores its last result and says how
     * the task ended. Never throws for a failing action: that is a failed outcome.
     */
    TaskOutcome execute(Plan.PlannedTask t, CancellationSignal cancellation) {
        TaskSpec spec = t.spec();
        long start = System.nanoTime();
        RetryPolicy retry = spec.retry();
        Attempt last;
        int attempt = 0;
        boolean cancelledWaiting = false;
        while (true) {
            attempt++;
            last = attempt(t, cancellation, attempt);
            if (last.error() == null || spec.exitCodes().skips(last.result())) {
                break;
            }
            FailureReason reason = reason(last.result());
            if (cancellation.isCancelled() || !retry.retries(reason, attempt)) {
                break;
            }
            Duration wait = retry.backoffBefore(attempt + 1);
            log(spec, "attempt " + attempt + " of " + retry.maxAttempts() + " failed (" + reason.wireName() + "); attempt "
                    + (attempt + 1) + " in " + seconds(wait));
            if (!timer.await(wait, cancellation) || cancellation.isCancelled()) { // no attempt starts once cancelled
                cancelledWaiting = true;
                log(spec, "cancelled while waiting to retry: attempt " + (attempt + 1) + " was not started");
                break;
            }
        }
        store.put(spec.storageKey(), last.result());
        double seconds = Math.round((System.nanoTime() - start) / 1e6) / 1000.0;
        return outcome(spec, last, attempt, cancelledWaiting, seconds);
    }

    private static TaskOutcome outcome(TaskSpec spec, Attempt last, int attempts, boolean cancelledWaiting, double seconds) {
        if (last.error() == null) {
            return new TaskOutcome(spec.taskId(), spec.function(), TaskOutcome.Status.SUCCEEDED, seconds, null, attempts, null,
                    false);
        }
        if (cancelledWaiting) {
            return new TaskOutcome(spec.taskId(), spec.function(), TaskOutcome.Status.FAILED, seconds, "cancelled while waiting"
                    + " to retry, after attempt " + attempts + " failed: " + last.error(), attempts,
                    FailureReason.CANCELLED.wireName(), false);
        }
        if (spec.exitCodes().skips(last.result())) {
            return new TaskOutcome(spec.taskId(), spec.function(), TaskOutcome.Status.SKIPPED, seconds, "skipped: exit code "
                    + last.result().get("exit_code") + " is listed in exit_codes.skip", attempts, null, false);
        }
        Object reason = last.result().get(FailureReason.RESULT_KEY);
        Object retryable = last.result().get(FailureReason.RETRYABLE_KEY);
        boolean canRetry = retryable instanceof Boolean b ? b : reason(last.result()) != null && reason(last.result()).retryable();
        return new TaskOutcome(spec.taskId(), spec.function(), TaskOutcome.Status.FAILED, seconds, last.error(), attempts,
                reason instanceof String s ? s : null, canRetry);
    }

    /** The result's {@code failure_reason} when it is one of the SPI's; else null. */
    private static FailureReason reason(Map<String, Object> result) {
        return result.get(FailureReason.RESULT_KEY) instanceof String s ? FailureReason.of(s).orElse(null) : null;
    }

    /** One attempt in its own span ({@code workflow.task}), current on this thread while the action runs. */
    private Attempt attempt(Plan.PlannedTask t, CancellationSignal cancellation, int attempt) {
        Span span = tracing.startAttempt(runContext, t.spec(), attempt);
        Attempt result = null;
        try (Scope ignored = span.makeCurrent()) {
            result = invoke(t, cancellation, attempt);
            return result;
        } finally {
            EngineTracing.endAttempt(span, result == null ? Map.of() : result.result(), result == null ? "the engine failed"
                    : result.error());
        }
    }

    private Attempt invoke(Plan.PlannedTask t, CancellationSignal cancellation, int attempt) {
        TaskSpec spec = t.spec();
        ActionContext ctx = ActionContext.of(plan.workflow().name(), runId, spec.taskId(),
                (stream, line) -> logListener.line(spec.taskId(), stream, line), cancellation, t.action().configuration(), attempt);
        Map<String, Object> filled;
        try {
            filled = kwargs(t, ctx);
        } catch (RuntimeException e) {
            return failed(spec, e, FailureReason.INVALID_REQUEST); // the engine could not make the kwargs: never invoked
        }
        try {
            Map<String, Object> result = Json.normalise(withAppLoader(t, () -> t.action().action().handler().invoke(filled, ctx)));
            if (Boolean.FALSE.equals(result.get("success"))) {
                Object why = result.get("error");
                return new Attempt(result, why != null ? String.valueOf(why) : "the action reported success: false");
            }
            return new Attempt(result, null);
        } catch (RuntimeException e) {
            return failed(spec, e, null);
        }
    }

    /**
     * The result of an attempt that threw: {@code success: false}, {@code error}, then the
     * exception's {@link ResultFields} (e.g. {@code failure_reason}); {@code engineReason}, when
     * the engine itself knows why, where the exception gave none.
     */
    private static Attempt failed(TaskSpec spec, RuntimeException e, FailureReason engineReason) {
        String error = message(e);
        LOG.debug("task {} failed", spec.taskId(), e);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", false);
        result.put("error", error);
        if (e instanceof ResultFields fields) {
            Json.normalise(fields.resultFields()).forEach(result::putIfAbsent); // e.g. failure_reason
        }
        if (engineReason != null) {
            result.putIfAbsent(FailureReason.RESULT_KEY, engineReason.wireName());
            result.putIfAbsent(FailureReason.RETRYABLE_KEY, engineReason.retryable());
        }
        return new Attempt(result, error);
    }

    /**
     * The task's kwargs with its references resolved and defaults filled in. When that fails (a
     * reference that does not resolve, or resolves to a value of the wrong type) the action is never
     * invoked: the app hears of the attempt through {@link dev.containerrunner.spi.TaskApp#taskNotStarted}
     * and the task fails with the reason (plus the app's own failure to record it, if any).
     */
    private Map<String, Object> kwargs(Plan.PlannedTask t, ActionContext ctx) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> kwargs = (Map<String, Object>) Templates.resolve(t.spec().kwargs(), store,
                    plan.storageKeys()::get, Json::write);
            // the handler checks values itself; its validator already ran at plan time where it could
            return KwargsValidator.validate(t.action().action(), kwargs);
        } catch (RuntimeException e) {
            String reason = message(e);
            try {
                withAppLoader(t, () -> {
                    t.action().app().taskNotStarted(ctx, t.action().action().name(), reason);
                    return null;
                });
            } catch (RuntimeException notRecorded) {
                LOG.warn("app {} could not record that task {} did not start: {}", HumanText.line(t.action().app().id()),
                        t.spec().taskId(), HumanText.line(message(notRecorded)));
                LOG.debug("task {}: taskNotStarted failed", t.spec().taskId(), notRecorded);
                IllegalStateException both = new IllegalStateException(reason + "; the app could not record it: "
                        + message(notRecorded), e);
                both.addSuppressed(notRecorded);
                throw both;
            }
            throw e;
        }
    }

    /** Runs {@code call} with the app's own loader as context loader, as plugin libraries that use ServiceLoader expect. */
    private static <T> T withAppLoader(Plan.PlannedTask t, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(t.action().app().getClass().getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void log(TaskSpec spec, String line) {
        logListener.line(spec.taskId(), LogSink.Stream.SYSTEM, line);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String message(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** A read-only view of {@code result} for listeners. */
    static Map<String, Object> readOnly(Map<String, Object> result) {
        return Collections.unmodifiableMap(result);
    }
}
