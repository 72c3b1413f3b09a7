package dev.containerrunner.plugin;

import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.CollectedFile;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.plugin.telemetry.ActionTrace;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Wraps each action invocation in its {@link ActionTrace}: the span, and the run count with the
 * outcome the result or the failure gives (the audit line's outcome names).
 *
 * @apiNote Thread-safe.
 */
final class ActionTracing {

    private final Supplier<RunnerTelemetry> telemetry;
    private final Supplier<String> backend;

    ActionTracing(Supplier<RunnerTelemetry> telemetry, Supplier<String> backend) {
        this.telemetry = telemetry;
        this.backend = backend;
    }

    /**
     * Runs {@code call} inside the trace of one invocation of {@code action}; a failure it throws is
     * recorded on the span and counted ({@code denied}, {@code invalid} or {@code error}) and rethrown.
     */
    Map<String, Object> traced(String action, Function<ActionTrace, Map<String, Object>> call) {
        try (ActionTrace trace = telemetry.get().startAction(action, backend.get())) {
            try {
                return call.apply(trace);
            } catch (RuntimeException e) {
                trace.failed(e, outcome(e), FailureReason.of(e).map(FailureReason::wireName).orElse(null));
                throw e;
            }
        }
    }

    private static String outcome(RuntimeException e) {
        return e instanceof PolicyDeniedException ? "denied" : e instanceof InvalidKwargsException ? "invalid" : "error";
    }

    /** A run action's result, as its audit line says it: outcome, failure reason, container and image. */
    static void ran(RunRequest request, RunResult result) {
        ActionTrace trace = ActionTrace.current();
        trace.image(request.image().repository(), request.image().tag());
        trace.container(result.containerId());
        trace.imageResolved(null, result.imageDigest());
        trace.ended(result.outcome().auditName(), result.failureReason() == null ? null : result.failureReason().wireName());
    }

    /** collect_output's result: {@code succeeded} when every file was collected, else {@code failed}; the bytes delivered. */
    static CollectResult collected(ActionTrace trace, CollectResult result) {
        long bytes = 0;
        for (CollectedFile f : result.files()) {
            if (f instanceof CollectedFile.Inline i) {
                bytes += i.sizeBytes();
            } else if (f instanceof CollectedFile.Uploaded u) {
                bytes += u.sizeBytes();
            }
        }
        trace.container(result.containerId());
        trace.outputBytes("collect_output", bytes);
        trace.ended(result.success() ? "succeeded" : "failed", result.reason() == null ? null : result.reason().wireName());
        return result;
    }
}
