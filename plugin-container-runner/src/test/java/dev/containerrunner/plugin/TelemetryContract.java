package dev.containerrunner.plugin;

import static dev.containerrunner.plugin.telemetry.TestTelemetry.attributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.telemetry.TestTelemetry;
import dev.containerrunner.spi.ActionRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 §4 on the real engine or cluster (mixed into {@link BackendContract}): a run recorded
 * by an SDK with in-memory exporters — its count, duration, output bytes and slot wait, and its
 * span with the {@code container.*} attributes and one child span per phase the backend went through.
 */
public interface TelemetryContract {

    /** A configured app of the backend under test whose telemetry goes to {@code openTelemetry}. */
    ContainerRunnerApp tracedApp(OpenTelemetry openTelemetry);

    /** {@code docker} or {@code kubernetes}. */
    String backendName();

    @Test
    default void aRunIsCountedTimedAndTracedPhaseByPhase() {
        try (TestTelemetry otel = new TestTelemetry()) {
            ContainerRunnerApp app = tracedApp(otel.sdk);
            Map<String, Object> r;
            try {
                r = ActionCalls.call(ActionRegistry.of(app), "run_container", new TestContext("traced"),
                        Map.of("image", TestImages.BUSYBOX, "command", List.of("sh", "-c", "echo out; exit 3")));
            } finally {
                app.close();
            }
            assertEquals("exit_code", r.get("failure_reason"), r.toString());
            String backend = backendName();
            assertEquals(1, otel.longPoint("container_runner.runs", attributes("action", "run_container", "backend", backend,
                    "outcome", "failed", "failure_reason", "exit_code")).orElseThrow().getValue());
            assertEquals(1, otel.metrics().get("container_runner.run.duration").getHistogramData().getPoints().iterator().next()
                    .getCount());
            assertEquals(4, otel.longPoint("container_runner.output.bytes", attributes("backend", backend, "source", "stdout"))
                    .orElseThrow().getValue(), "'out\\n' as the container wrote it");
            assertEquals(1, otel.metrics().get("container_runner.slot.wait.duration").getHistogramData().getPoints().iterator()
                    .next().getCount());
            assertEquals(0, otel.longPoint("container_runner.containers.active", attributes("backend", backend)).orElseThrow()
                    .getValue(), "the slot is given back");

            Map<String, SpanData> spans = otel.spansByName();
            SpanData action = spans.get("container_runner.run_container");
            assertEquals(r.get("container_id"), action.getAttributes().get(AttributeKey.stringKey("container.id")));
            assertEquals("docker.io/" + TestImages.BUSYBOX.substring(0, TestImages.BUSYBOX.indexOf(':')),
                    action.getAttributes().get(AttributeKey.stringKey("container.image.name")));
            assertNotNull(action.getAttributes().get(AttributeKey.stringKey("container.image.id")), action.toString());
            assertEquals(backend, action.getAttributes().get(AttributeKey.stringKey("container_runner.backend")));
            assertEquals(StatusCode.ERROR, action.getStatus().getStatusCode());
            List<String> phases = backend.equals("docker") ? List.of("pull", "create", "run", "collect")
                    : List.of("create", "run", "collect"); // the kubelet pulls inside the run phase
            List<String> children = otel.spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getParentSpanId().equals(action.getSpanId())).map(SpanData::getName).toList();
            assertEquals(phases.stream().map(p -> "container_runner." + p).toList(), children, "in the order they ran");
            assertTrue(spans.get("container_runner.run").getEndEpochNanos() <= spans.get("container_runner.collect")
                    .getStartEpochNanos());
        }
    }
}
