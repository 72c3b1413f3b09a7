package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import dev.containerrunner.engine.testkit.SpanApp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's spans: one per workflow run, one per task attempt under it, the app's span under the attempt. */
class EngineTracingTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();

    @AfterEach
    void close() {
        sdk.close();
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    @TempDir
    Path plugins;

    @Test
    void aRunHasOneSpanAndEachAttemptOneChildSpanWithItsOutcome() throws IOException {
        SpanApp.writeJar(plugins.resolve("spans.jar"));
        BackoffTimer noWait = (delay, cancellation) -> true;
        try (WorkflowEngine engine = WorkflowEngine.builder().pluginDirectory(plugins)
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("testkit", Map.of(
                        "fail_fields", Map.of("failure_reason", "registry_unreachable"), "succeed_from_attempt", 2))), "test"))
                .backoffTimer(noWait).openTelemetry(sdk).build()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("traced", "1")
                    .task("flaky", "apps.platform.testkit.fail", Map.of(), "flaky").retry(RetryPolicy.of(3))
                    .task("span", "apps.platform.spans.current", Map.of(), "span")
                    .build());
            assertTrue(run.succeeded(), run.toString());

            List<SpanData> runs = named("workflow.run");
            assertEquals(1, runs.size());
            SpanData wf = runs.get(0);
            assertEquals("traced", wf.getAttributes().get(AttributeKey.stringKey("workflow.name")));
            assertEquals(run.runId(), wf.getAttributes().get(AttributeKey.stringKey("workflow.run_id")));
            assertEquals(2L, wf.getAttributes().get(AttributeKey.longKey("workflow.tasks")));
            assertEquals(true, wf.getAttributes().get(AttributeKey.booleanKey("workflow.succeeded")));

            List<SpanData> attempts = named("workflow.task");
            assertEquals(3, attempts.size(), "two attempts of flaky, one of span");
            attempts.forEach(a -> {
                assertEquals(wf.getSpanId(), a.getParentSpanId());
                assertEquals(wf.getTraceId(), a.getTraceId());
            });
            List<SpanData> flaky = attempts.stream().filter(a -> "flaky".equals(a.getAttributes()
                    .get(AttributeKey.stringKey("workflow.task.id")))).toList();
            assertEquals(List.of(1L, 2L), flaky.stream().map(a -> a.getAttributes().get(AttributeKey.longKey("workflow.task.attempt")))
                    .sorted().toList());
            SpanData first = flaky.stream().filter(a -> a.getAttributes().get(AttributeKey.longKey("workflow.task.attempt")) == 1L)
                    .findFirst().orElseThrow();
            assertEquals(StatusCode.ERROR, first.getStatus().getStatusCode());
            assertEquals("it failed on purpose", first.getStatus().getDescription());
            assertEquals("registry_unreachable", first.getAttributes().get(AttributeKey.stringKey("workflow.task.failure_reason")));
            assertEquals("failed", first.getAttributes().get(AttributeKey.stringKey("workflow.task.outcome")));
            SpanData second = flaky.stream().filter(a -> a != first).findFirst().orElseThrow();
            assertEquals(StatusCode.UNSET, second.getStatus().getStatusCode());
            assertEquals("succeeded", second.getAttributes().get(AttributeKey.stringKey("workflow.task.outcome")));
            assertEquals("apps.platform.testkit.fail", second.getAttributes().get(AttributeKey.stringKey("workflow.task.function")));

            SpanData spanTask = attempts.stream().filter(a -> "span".equals(a.getAttributes()
                    .get(AttributeKey.stringKey("workflow.task.id")))).findFirst().orElseThrow();
            assertEquals(spanTask.getSpanId(), run.result("span").get("span_id"), "the action runs inside its attempt's span");
        }
    }

    @Test
    void aFailedRunsSpanHasStatusError() {
        try (WorkflowEngine engine = WorkflowEngine.builder().openTelemetry(sdk).build()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("broken", "1")
                    .task("boom", "apps.platform.testkit.boom", Map.of(), "boom").build());
            assertFalse(run.succeeded());
            SpanData wf = named("workflow.run").get(0);
            assertEquals(StatusCode.ERROR, wf.getStatus().getStatusCode());
            assertEquals(false, wf.getAttributes().get(AttributeKey.booleanKey("workflow.succeeded")));
            assertEquals(StatusCode.ERROR, named("workflow.task").get(0).getStatus().getStatusCode());
        }
    }
}
