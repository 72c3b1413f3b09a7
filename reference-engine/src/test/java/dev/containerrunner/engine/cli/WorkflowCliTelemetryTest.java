package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workflow run} with an exporter configured: the SDK is installed for the run and flushed at its end. */
class WorkflowCliTelemetryTest {

    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void reset() {
        GlobalOpenTelemetry.resetForTest();
        MemoryExporters.SPANS.reset();
    }

    private int run(Map<String, String> env, String stderrMustNotContain) throws IOException {
        Path wf = Files.writeString(dir.resolve("wf.yaml"), """
                name: traced
                version: 1.0.0
                tasks:
                  - task_id: hello
                    function: apps.platform.testkit.echo
                    kwargs: {value: hi}
                  - task_id: broken
                    function: apps.platform.testkit.boom
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new WorkflowCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), env).execute(new String[] {"run", wf.toString()});
        assertTrue(!err.toString(StandardCharsets.UTF_8).contains(stderrMustNotContain), err.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void theRunsSpansAreExportedAtItsEndThoughTheBatchWouldWaitTenMinutes() throws IOException {
        assertEquals(1, run(Map.of("OTEL_TRACES_EXPORTER", "memory", "OTEL_BSP_SCHEDULE_DELAY", "600000"), "Exception"));
        List<SpanData> spans = MemoryExporters.SPANS.getFinishedSpanItems();
        assertEquals(List.of("workflow.run", "workflow.task", "workflow.task"), spans.stream().map(SpanData::getName).sorted()
                .toList(), "flushed at the end of the run, not after the 10 min schedule");
        SpanData run = spans.stream().filter(s -> s.getName().equals("workflow.run")).findFirst().orElseThrow();
        assertEquals("workflow-engine", run.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey
                .stringKey("service.name")), "the CLI's default service name");
        assertTrue(spans.stream().allMatch(s -> s.getTraceId().equals(run.getTraceId())));
    }

    @Test
    void withoutAnExporterNothingIsInstalled() throws IOException {
        assertEquals(1, run(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"), "export"));
        assertTrue(MemoryExporters.SPANS.getFinishedSpanItems().isEmpty());
        assertFalse(GlobalOpenTelemetry.get().getTracer("x").spanBuilder("y").startSpan().getSpanContext().isValid(),
                "the global stays the API's no-op");
    }

    @Test
    void settingsOpenTelemetryRefusesAreExitTwo() throws IOException {
        assertEquals(2, run(Map.of("OTEL_TRACES_EXPORTER", "no-such-exporter"), "\tat "));
    }
}
