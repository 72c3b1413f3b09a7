package dev.containerrunner.plugin;

import static dev.containerrunner.plugin.telemetry.TestTelemetry.attributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.RecordingSink;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.CollectResult;
import dev.containerrunner.plugin.execution.CollectedFile;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Encoded;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.plugin.telemetry.ActionTrace;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.plugin.telemetry.TestTelemetry;
import dev.containerrunner.spi.ActionRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The actions' metrics and spans, recorded by an SDK with in-memory exporters: instrument names,
 * units and attributes, the span tree under the engine's span, errors on the spans, and the no-op
 * path when no SDK is installed. The backend is a stand-in that walks the phases as the real ones do.
 */
class ActionTelemetryTest {

    private static final String IMAGE = "container-runner-test/busybox:1.35-debian";
    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("allowed_images", List.of("container-runner-test/*:*")));

    private final TestTelemetry otel = new TestTelemetry();
    private final ContainerBackend backend = mock(ContainerBackend.class);
    private final RecordingSink sink = new RecordingSink(0, false);
    private final ActionRegistry registry = new ActionRegistry("platform.container_runner");

    private ActionRegistry actions(RunnerTelemetry telemetry) {
        AuditLog log = new AuditLog(Optional.of(sink), false);
        new ContainerActions(() -> CONFIG, () -> backend, () -> log, () -> telemetry).registerAll(registry);
        return registry;
    }

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    /** What a backend does inside a run: the phases, the container, the image, the output. */
    private static RunResult walkPhases(long exitCode) {
        ActionTrace trace = ActionTrace.current();
        trace.phase("pull");
        trace.pulled(250_000_000L);
        trace.imageResolved("sha256:abc", null);
        trace.phase("create");
        trace.container("c0ffee");
        trace.phase("run");
        trace.phase("collect");
        trace.outputBytes("stdout", 6);
        trace.outputBytes("stderr", 0);
        trace.endPhase();
        return RunResult.builder("c0ffee", false).image(IMAGE, "container-runner-test/busybox@sha256:1234")
                .verdict(new RunVerdict(false, false, false, exitCode, null, null), exitCode == 0 ? null : "exit code " + exitCode)
                .build();
    }

    private Map<String, Object> runUnderEngineSpan(ActionRegistry actions, Map<String, Object> kwargs) {
        Span engine = otel.sdk.getTracer("engine").spanBuilder("workflow.task").startSpan();
        try (Scope ignored = engine.makeCurrent()) {
            return ActionCalls.call(actions, "run_container", new TestContext("t1"), kwargs);
        } finally {
            engine.end();
        }
    }

    @Test
    void aSucceededRunIsCountedTimedAndTracedWithItsPhasesUnderTheEnginesSpan() {
        when(backend.run(any(), any(), any())).thenAnswer(inv -> walkPhases(0));
        Map<String, Object> result = runUnderEngineSpan(actions(new RunnerTelemetry(otel.sdk)),
                Map.of("image", IMAGE, "command", List.of("true")));
        assertEquals(true, result.get("success"));

        Map<String, MetricData> m = otel.metrics();
        MetricData runs = m.get("container_runner.runs");
        assertEquals("{run}", runs.getUnit());
        assertEquals(1, otel.longPoint("container_runner.runs", attributes("action", "run_container", "backend", "docker",
                "outcome", "succeeded")).orElseThrow().getValue(), "no failure_reason attribute on success");
        MetricData duration = m.get("container_runner.run.duration");
        assertEquals("s", duration.getUnit());
        HistogramPointData d = duration.getHistogramData().getPoints().iterator().next();
        assertEquals(1, d.getCount());
        assertEquals(attributes("action", "run_container", "backend", "docker", "outcome", "succeeded"), d.getAttributes());
        assertTrue(d.getBoundaries().contains(1.0) && d.getBoundaries().contains(60.0), "buckets in seconds: " + d.getBoundaries());
        MetricData pull = m.get("container_runner.image.pull.duration");
        assertEquals("s", pull.getUnit());
        assertEquals(0.25, pull.getHistogramData().getPoints().iterator().next().getSum(), 1e-9);
        MetricData bytes = m.get("container_runner.output.bytes");
        assertEquals("By", bytes.getUnit());
        assertEquals(6, otel.longPoint("container_runner.output.bytes", attributes("backend", "docker", "source", "stdout"))
                .orElseThrow().getValue());
        assertTrue(otel.longPoint("container_runner.output.bytes", attributes("backend", "docker", "source", "stderr")).isEmpty(),
                "nothing is added for a stream that wrote nothing");

        assertEquals(List.of("container_runner.pull", "container_runner.create", "container_runner.run",
                "container_runner.collect", "container_runner.run_container", "workflow.task"), otel.spanNames());
        Map<String, SpanData> spans = otel.spansByName();
        SpanData action = spans.get("container_runner.run_container");
        assertEquals(spans.get("workflow.task").getSpanId(), action.getParentSpanId(), "the action span is the engine span's child");
        assertEquals(spans.get("workflow.task").getTraceId(), action.getTraceId());
        for (String phase : List.of("pull", "create", "run", "collect")) {
            assertEquals(action.getSpanId(), spans.get("container_runner." + phase).getParentSpanId(), phase);
        }
        assertEquals("c0ffee", action.getAttributes().get(AttributeKey.stringKey("container.id")));
        assertEquals("docker.io/container-runner-test/busybox", action.getAttributes().get(AttributeKey.stringKey("container.image.name")));
        assertEquals(List.of("1.35-debian"), action.getAttributes().get(AttributeKey.stringArrayKey("container.image.tags")));
        assertEquals("sha256:abc", action.getAttributes().get(AttributeKey.stringKey("container.image.id")));
        assertEquals(List.of("container-runner-test/busybox@sha256:1234"),
                action.getAttributes().get(AttributeKey.stringArrayKey("container.image.repo_digests")));
        assertEquals("docker", action.getAttributes().get(AttributeKey.stringKey("container_runner.backend")));
        assertEquals("succeeded", action.getAttributes().get(AttributeKey.stringKey("container_runner.outcome")));
        assertNull(action.getAttributes().get(AttributeKey.stringKey("container_runner.failure_reason")));
        assertEquals(StatusCode.UNSET, action.getStatus().getStatusCode());
        assertFalse(Span.current().getSpanContext().isValid(), "the action's context is left when it returns");
    }

    @Test
    void anImageWithNoRepoDigestLeavesRepoDigestsOut() {
        when(backend.run(any(), any(), any())).thenAnswer(inv -> {
            ActionTrace.current().imageResolved("sha256:abc", "sha256:abc"); // the backend's fallback: the image id
            return RunResult.builder("c0ffee", false).image(IMAGE, "sha256:abc")
                    .verdict(new RunVerdict(false, false, false, 0L, null, null), null).build();
        });
        runUnderEngineSpan(actions(new RunnerTelemetry(otel.sdk)), Map.of("image", IMAGE, "command", List.of("true")));
        SpanData action = otel.spansByName().get("container_runner.run_container");
        assertEquals("sha256:abc", action.getAttributes().get(AttributeKey.stringKey("container.image.id")));
        assertNull(action.getAttributes().get(AttributeKey.stringArrayKey("container.image.repo_digests")),
                "semconv: repo@sha256 values only");
    }

    @Test
    void aFailedRunCarriesItsFailureReasonOnTheCountAndTheSpan() {
        when(backend.run(any(), any(), any())).thenAnswer(inv -> walkPhases(3));
        Map<String, Object> result = runUnderEngineSpan(actions(new RunnerTelemetry(otel.sdk)),
                Map.of("image", IMAGE, "command", List.of("false")));
        assertEquals("exit_code", result.get("failure_reason"));
        assertEquals(1, otel.longPoint("container_runner.runs", attributes("action", "run_container", "backend", "docker",
                "outcome", "failed", "failure_reason", "exit_code")).orElseThrow().getValue());
        SpanData action = otel.spansByName().get("container_runner.run_container");
        assertEquals(StatusCode.ERROR, action.getStatus().getStatusCode());
        assertEquals("exit_code", action.getAttributes().get(AttributeKey.stringKey("container_runner.failure_reason")));
        assertEquals("exit_code", action.getAttributes().get(AttributeKey.stringKey("error.type")));
    }

    @Test
    void aDenialIsRecordedOnTheSpanAsAnExceptionAndCountedAsDenied() {
        ActionRegistry actions = actions(new RunnerTelemetry(otel.sdk));
        // the handler itself (the plan-time validator, which denies first, is no invocation and is not traced)
        Map<String, Object> kwargs = dev.containerrunner.spi.KwargsValidator.validate(actions.get("run_container"),
                Map.of("image", "elsewhere/evil:1"));
        assertThrows(PolicyDeniedException.class, () -> actions.get("run_container").handler().invoke(kwargs,
                new TestContext("t1")));
        verify(backend, never()).run(any(), any(), any());
        assertEquals(1, otel.longPoint("container_runner.runs", attributes("action", "run_container", "backend", "docker",
                "outcome", "denied", "failure_reason", "policy_denied")).orElseThrow().getValue());
        SpanData action = otel.spansByName().get("container_runner.run_container");
        assertEquals(StatusCode.ERROR, action.getStatus().getStatusCode());
        EventData event = action.getEvents().get(0);
        assertEquals("exception", event.getName());
        assertEquals(PolicyDeniedException.class.getName(), event.getAttributes().get(AttributeKey.stringKey("exception.type")));
        assertTrue(actions.contains("run_container"));
    }

    @Test
    void anEngineFailureEndsTheOpenPhaseWithTheErrorAndCountsAsError() {
        when(backend.run(any(), any(), any())).thenAnswer(inv -> {
            ActionTrace.current().phase("pull");
            throw new ContainerEngineException("pull", "the registry cannot be reached", null,
                    FailureReason.REGISTRY_UNREACHABLE);
        });
        assertThrows(ContainerEngineException.class, () -> runUnderEngineSpan(actions(new RunnerTelemetry(otel.sdk)),
                Map.of("image", IMAGE)));
        assertEquals(1, otel.longPoint("container_runner.runs", attributes("action", "run_container", "backend", "docker",
                "outcome", "error", "failure_reason", "registry_unreachable")).orElseThrow().getValue());
        Map<String, SpanData> spans = otel.spansByName();
        SpanData pull = spans.get("container_runner.pull");
        assertEquals(StatusCode.ERROR, pull.getStatus().getStatusCode());
        assertEquals("exception", pull.getEvents().get(0).getName());
        SpanData action = spans.get("container_runner.run_container");
        assertEquals(StatusCode.ERROR, action.getStatus().getStatusCode());
        assertEquals("registry_unreachable", action.getAttributes().get(AttributeKey.stringKey("container_runner.failure_reason")));
        assertEquals(ContainerEngineException.class.getName(),
                action.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("exception.type")));
    }

    @Test
    void aPhaseABackendEndsAsFailedKeepsNoMessageOnlyTheActionsFailureIsRecorded() {
        when(backend.run(any(), any(), any())).thenAnswer(inv -> {
            ActionTrace trace = ActionTrace.current();
            trace.phase("run");
            trace.phaseFailed(new ContainerEngineException("start", "the engine quoted s3cret-value", null));
            throw new ContainerEngineException("run", "the engine failed (details withheld)", null, FailureReason.ENGINE_ERROR);
        });
        assertThrows(ContainerEngineException.class, () -> runUnderEngineSpan(actions(new RunnerTelemetry(otel.sdk)),
                Map.of("image", IMAGE)));
        SpanData run = otel.spansByName().get("container_runner.run");
        assertEquals(StatusCode.ERROR, run.getStatus().getStatusCode());
        assertEquals(ContainerEngineException.class.getName(), run.getAttributes().get(AttributeKey.stringKey("error.type")));
        assertTrue(run.getEvents().isEmpty(), "no exception event: its message is not scrubbed yet");
        assertFalse(otel.spans.getFinishedSpanItems().toString().contains("s3cret"), "the raw message is nowhere");
        assertEquals("run: the engine failed (details withheld)", otel.spansByName().get("container_runner.run_container")
                .getStatus().getDescription());
    }

    @Test
    void collectOutputCountsTheBytesItDeliveredAndItsOutcome() {
        when(backend.collect(any(), any(), any())).thenReturn(CollectResult.of("c0ffee0123456789", List.of(
                new CollectedFile.Inline("/out/a.txt", 10, Encoded.of("0123456789".getBytes())),
                new CollectedFile.Uploaded("/out/b.bin", 1000, "s3://b/k", "00"))));
        ActionCalls.call(actions(new RunnerTelemetry(otel.sdk)), "collect_output", new TestContext("t1"),
                Map.of("container_id", "c0ffee0123456789", "file_paths", List.of("/out")));
        assertEquals(1010, otel.longPoint("container_runner.output.bytes", attributes("backend", "docker", "source",
                "collect_output")).orElseThrow().getValue());
        assertEquals(1, otel.longPoint("container_runner.runs", attributes("action", "collect_output", "backend", "docker",
                "outcome", "succeeded")).orElseThrow().getValue());
        assertEquals("c0ffee0123456789", otel.spansByName().get("container_runner.collect_output").getAttributes()
                .get(AttributeKey.stringKey("container.id")));
    }

    @Test
    void theAppReadsTheEnginesGlobalWithoutSettingOrAutoconfiguringIt() {
        GlobalOpenTelemetry.resetForTest();
        try {
            ContainerRunnerApp unset = new ContainerRunnerApp();
            unset.telemetry();
            assertFalse(GlobalOpenTelemetry.isSet(), "a library never sets the global (nor logs about autoconfiguration)");
            GlobalOpenTelemetry.set(otel.sdk); // an engine installing its SDK later is not refused
            ContainerRunnerApp app = new ContainerRunnerApp();
            app.telemetry().slotWaited(1_000_000, "docker");
            assertEquals(1, otel.metrics().get("container_runner.slot.wait.duration").getHistogramData().getPoints().iterator()
                    .next().getCount(), "an app made after the engine installed its SDK records to it");
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    @Test
    void withAnSdkAnActionsInstrumentationCostsMicroseconds() {
        RunnerTelemetry telemetry = new RunnerTelemetry(otel.sdk);
        int n = 20_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (ActionTrace t = telemetry.startAction("run_container", "docker")) {
                for (String phase : List.of("pull", "create", "run", "collect")) {
                    t.phase(phase);
                }
                t.container("c0ffee");
                t.image("docker.io/library/busybox", "1.35");
                t.outputBytes("stdout", 3);
                t.ended("succeeded", null);
            }
        }
        double perCallMicros = (System.nanoTime() - start) / 1e3 / n;
        System.out.printf("SDK telemetry per action (5 spans exported in memory, 3 metric records): %.1f µs%n", perCallMicros);
        assertEquals(n * 5, otel.spans.getFinishedSpanItems().size());
        assertTrue(perCallMicros < 2000, "SDK telemetry per action: " + perCallMicros + " µs");
    }

    @Test
    void withoutAnSdkNothingIsRecordedAndTheCostIsTheApisNoOp() {
        when(backend.run(any(), any(), any())).thenAnswer(inv -> {
            assertFalse(Span.current().getSpanContext().isValid(), "the no-op API makes no real span");
            return walkPhases(0);
        });
        ActionRegistry actions = actions(RunnerTelemetry.noop());
        assertEquals(true, ActionCalls.call(actions, "run_container", new TestContext("t1"), Map.of("image", IMAGE)).get("success"));
        assertTrue(otel.metrics().isEmpty());
        assertTrue(otel.spans.getFinishedSpanItems().isEmpty());
        assertFalse(ActionTrace.current().recording(), "outside an action the trace records nothing");

        RunnerTelemetry noop = RunnerTelemetry.noop();
        int n = 200_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (ActionTrace t = noop.startAction("run_container", "docker")) {
                t.phase("run");
                t.container("c");
                t.ended("succeeded", null);
            }
        }
        double perCallMicros = (System.nanoTime() - start) / 1e3 / n;
        System.out.printf("no-op telemetry per action (span, phase, attributes, count): %.3f µs%n", perCallMicros);
        // a container run takes ~0.2 s; even a loaded CI machine stays far below this bound
        assertTrue(perCallMicros < 20, "no-op telemetry per action: " + perCallMicros + " µs");
    }
}
