package dev.containerrunner.plugin.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.List;

/**
 * The telemetry of one action invocation: its span ({@code container_runner.ACTION}, current while
 * it is open, so the backend finds it with {@link #current()}), its phases as child spans
 * ({@code container_runner.pull}, {@code .create}, {@code .run}, {@code .collect}), and, when it
 * ends, one count of {@code container_runner.runs} and one {@code container_runner.run.duration}.
 * Span attributes follow OpenTelemetry's {@code container.*} conventions.
 *
 * <p>Outside an action (a backend driven directly, e.g. by a test) {@link #current()} is a trace
 * that records nothing.
 *
 * @apiNote Not thread-safe: confined to the thread that runs the action.
 */
public final class ActionTrace implements AutoCloseable {

    /** OpenTelemetry's container conventions, and the runner's own span attributes. */
    static final AttributeKey<String> CONTAINER_ID = AttributeKey.stringKey("container.id");
    static final AttributeKey<String> IMAGE_NAME = AttributeKey.stringKey("container.image.name");
    static final AttributeKey<String> IMAGE_ID = AttributeKey.stringKey("container.image.id");
    static final AttributeKey<List<String>> IMAGE_TAGS = AttributeKey.stringArrayKey("container.image.tags");
    static final AttributeKey<List<String>> REPO_DIGESTS = AttributeKey.stringArrayKey("container.image.repo_digests");
    static final AttributeKey<String> SPAN_ACTION = AttributeKey.stringKey("container_runner.action");
    static final AttributeKey<String> SPAN_BACKEND = AttributeKey.stringKey("container_runner.backend");
    static final AttributeKey<String> SPAN_OUTCOME = AttributeKey.stringKey("container_runner.outcome");
    static final AttributeKey<String> SPAN_REASON = AttributeKey.stringKey("container_runner.failure_reason");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final ContextKey<ActionTrace> KEY = ContextKey.named("container_runner.action_trace");
    private static final ActionTrace NONE = new ActionTrace(null, null, null, null);

    private final RunnerTelemetry telemetry;
    private final Span span;
    private final String action;
    private final String backend;
    private final long startNanos = System.nanoTime();
    private Scope scope;
    private Span phase;
    private boolean ended;
    private boolean closed;

    private ActionTrace(RunnerTelemetry telemetry, Span span, String action, String backend) {
        this.telemetry = telemetry;
        this.span = span;
        this.action = action;
        this.backend = backend;
    }

    static ActionTrace start(RunnerTelemetry telemetry, String action, String backend) {
        Span span = telemetry.tracer.spanBuilder("container_runner." + action).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(SPAN_ACTION, action).setAttribute(SPAN_BACKEND, backend).startSpan();
        ActionTrace trace = new ActionTrace(telemetry, span, action, backend);
        trace.scope = Context.current().with(span).with(KEY, trace).makeCurrent();
        return trace;
    }

    /** The trace of the action running on this thread, or one that records nothing. */
    public static ActionTrace current() {
        ActionTrace trace = Context.current().get(KEY);
        return trace != null ? trace : NONE;
    }

    /** Whether this trace records (false outside an action). */
    public boolean recording() {
        return this != NONE;
    }

    /** Ends the open phase, if any, and starts phase {@code name} ({@code pull}, {@code create}, {@code run}, {@code collect}). */
    public void phase(String name) {
        if (this == NONE) {
            return;
        }
        endPhase();
        phase = telemetry.tracer.spanBuilder("container_runner." + name).setParent(Context.current().with(span)).startSpan();
    }

    /**
     * Ends the open phase with status error and {@code error.type} the class of {@code failure}.
     * Its message is not recorded here: a backend's failure may still hold a secret's value, which
     * the action layer scrubs ({@code RunSecrets#scrub}) before the failure reaches {@link #failed}.
     */
    public void phaseFailed(Throwable failure) {
        if (phase != null) {
            phase.setAttribute(ERROR_TYPE, failure.getClass().getName());
            phase.setStatus(StatusCode.ERROR);
            endPhase();
        }
    }

    /** Ends the open phase, if any. */
    public void endPhase() {
        if (phase != null) {
            phase.end();
            phase = null;
        }
    }

    /** The run's container: its id (the result's {@code container_id}). */
    public void container(String containerId) {
        if (this != NONE && containerId != null) {
            span.setAttribute(CONTAINER_ID, containerId);
        }
    }

    /** The image asked for: repository and tag (either may be null). */
    public void image(String repository, String tag) {
        if (this == NONE) {
            return;
        }
        if (repository != null) {
            span.setAttribute(IMAGE_NAME, repository);
        }
        if (tag != null) {
            span.setAttribute(IMAGE_TAGS, List.of(tag));
        }
    }

    /**
     * The image the container ran: the runtime's image id and the repository digest (either may be
     * null). {@code container.image.repo_digests} is set only from a {@code repo@sha256:…} value
     * (OpenTelemetry's semantic conventions): an image id given in its place (an image with no repo
     * digest) leaves the attribute out.
     */
    public void imageResolved(String imageId, String repoDigest) {
        if (this == NONE) {
            return;
        }
        if (imageId != null) {
            span.setAttribute(IMAGE_ID, imageId);
        }
        if (repoDigest != null && repoDigest.indexOf('@') > 0) {
            span.setAttribute(REPO_DIGESTS, List.of(repoDigest));
        }
    }

    /** An image pull (a real one: the image was not present, or pull_policy always) took {@code nanos}. */
    public void pulled(long nanos) {
        if (this != NONE) {
            telemetry.pullDuration.record(nanos / 1e9, Attributes.of(RunnerTelemetry.BACKEND, backend));
        }
    }

    /** {@code bytes} were read from the container for {@code source} ({@code stdout}, {@code stderr}, {@code collect_output}). */
    public void outputBytes(String source, long bytes) {
        if (this != NONE && bytes > 0) {
            telemetry.outputBytes.add(bytes, Attributes.of(RunnerTelemetry.BACKEND, backend, RunnerTelemetry.SOURCE, source));
        }
    }

    /**
     * The invocation ended with a result: {@code outcome} is the audit line's outcome
     * ({@code succeeded}, {@code failed}, {@code timed_out}, {@code oom_killed}, {@code cancelled}),
     * {@code failureReason} null on success. Counted once; later calls are ignored.
     */
    public void ended(String outcome, String failureReason) {
        if (this == NONE || ended) {
            return;
        }
        ended = true;
        span.setAttribute(SPAN_OUTCOME, outcome);
        if (failureReason != null) {
            span.setAttribute(SPAN_REASON, failureReason);
            span.setAttribute(ERROR_TYPE, failureReason);
            span.setStatus(StatusCode.ERROR, outcome + ": " + failureReason);
        }
        AttributesBuilder a = Attributes.builder().put(RunnerTelemetry.ACTION, action).put(RunnerTelemetry.BACKEND, backend)
                .put(RunnerTelemetry.OUTCOME, outcome);
        if (failureReason != null) {
            a.put(RunnerTelemetry.FAILURE_REASON, failureReason);
        }
        Attributes attributes = a.build();
        telemetry.runs.add(1, attributes);
        telemetry.runDuration.record((System.nanoTime() - startNanos) / 1e9, attributes);
    }

    /**
     * The invocation ended by throwing {@code failure} (as the action layer throws it: secret values
     * scrubbed): recorded on the span and on a phase still open (exception event, status error), then counted like {@link #ended} with {@code outcome} ({@code denied},
     * {@code invalid}, {@code error}) and {@code failureReason} (may be null).
     */
    public void failed(Throwable failure, String outcome, String failureReason) {
        if (this == NONE || ended) {
            return;
        }
        if (phase != null) { // the phase the failure interrupted
            phase.recordException(failure);
            phase.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            endPhase();
        }
        span.recordException(failure);
        ended(outcome, failureReason);
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage())); // the failure's words, not the reason's
        if (failureReason == null) {
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        }
    }

    /** Ends the open phase and the span and leaves the action's context. Idempotent on its thread. */
    @Override
    public void close() {
        if (this == NONE || closed) {
            return;
        }
        closed = true;
        try {
            endPhase();
            if (!ended) {
                ended("error", null); // neither a result nor a failure reached the trace: still counted
            }
            span.end();
        } finally {
            scope.close();
        }
    }
}
