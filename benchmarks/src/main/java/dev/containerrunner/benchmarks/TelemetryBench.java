package dev.containerrunner.benchmarks;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Section 7: the per-task cost of telemetry. The same one-task workflow (run_container of
 * {@code echo hi}) through two engines in the same JVM, runs alternating: telemetry off (no SDK:
 * the API's no-op, the default) and on (an SDK: every span batched to an exporter, every metric
 * collected and exported each second). The plugin jar is loaded from the plugin directory and
 * reads the global OpenTelemetry at its first use, so each engine's plugin is made while its
 * global is in place.
 */
final class TelemetryBench {

    private final Bench bench;
    private final Path plugins;

    TelemetryBench(Bench bench, Path plugins) {
        this.bench = bench;
        this.plugins = plugins;
    }

    private WorkflowEngine engine(OpenTelemetry otel) {
        WorkflowEngine engine = WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(plugins)
                .openTelemetry(otel)
                .config(EngineConfig.fromMap(Map.of("apps", Map.of("container_runner", Map.of("allowed_images",
                        List.of(Bench.IMAGE), "collect_retention_seconds", 0))), "bench")).build();
        once(engine); // the plugin's first use: it reads the global OpenTelemetry now
        return engine;
    }

    private static double once(WorkflowEngine engine) {
        long t0 = System.nanoTime();
        WorkflowRun run = engine.run(new WorkflowBuilder("bench", "1")
                .task("t", Bench.RUN, Map.of("image", Bench.IMAGE, "command", List.of("echo", "hi")), "r").build());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!"hi\n".equals(run.result("r").get("stdout"))) {
            throw new IllegalStateException("the run printed " + run.result("r"));
        }
        return ms;
    }

    void overhead(int runs) {
        AtomicLong spans = new AtomicLong();
        AtomicLong points = new AtomicLong();
        GlobalOpenTelemetry.resetForTest();
        try (WorkflowEngine off = engine(OpenTelemetry.noop())) {
            GlobalOpenTelemetry.resetForTest(); // the off plugin holds the no-op; the next one gets the SDK
            try (OpenTelemetrySdk sdk = sdk(spans, points)) {
                GlobalOpenTelemetry.set(sdk);
                try (WorkflowEngine on = engine(sdk)) {
                    List<Double> offMs = new ArrayList<>();
                    List<Double> onMs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) { // warm-up
                        once(off);
                        once(on);
                    }
                    for (int i = 0; i < runs; i++) { // alternating, so drift of the shared machine hits both alike
                        if (i % 2 == 0) {
                            offMs.add(once(off));
                            onMs.add(once(on));
                        } else {
                            onMs.add(once(on));
                            offMs.add(once(off));
                        }
                    }
                    report(runs, offMs, onMs, spans, points);
                }
            }
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    private void report(int runs, List<Double> offMs, List<Double> onMs, AtomicLong spans, AtomicLong points) {
        Collections.sort(offMs);
        Collections.sort(onMs);
        double offMedian = offMs.get(offMs.size() / 2);
        double onMedian = onMs.get(onMs.size() / 2);
        double offMean = offMs.stream().mapToDouble(d -> d).average().orElseThrow();
        double onMean = onMs.stream().mapToDouble(d -> d).average().orElseThrow();
        bench.out("## 7. Telemetry overhead: %d alternating one-task workflows (`echo hi`), ms%n%n", runs);
        bench.out("| telemetry | min | median | mean | max | median ratio to off |%n|---|---|---|---|---|---|%n");
        bench.out("| off (no SDK: the API's no-op) | %.0f | %.1f | %.1f | %.0f | 1.000× |%n", offMs.get(0), offMedian, offMean,
                offMs.get(offMs.size() - 1));
        bench.out("| on (SDK: spans batched to an exporter, metrics exported each second) | %.0f | %.1f | %.1f | %.0f | %.3f× |%n",
                onMs.get(0), onMedian, onMean, onMs.get(onMs.size() - 1), onMedian / offMedian);
        bench.out("%nspans exported: %d, metric points exported: %d%n%n", spans.get(), points.get());
    }

    /** An SDK whose exporters count what they are given (the cost measured is the instrumentation's and the SDK's). */
    private static OpenTelemetrySdk sdk(AtomicLong spans, AtomicLong points) {
        SpanExporter spanExporter = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> batch) {
                spans.addAndGet(batch.size());
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        MetricExporter metricExporter = new MetricExporter() {
            @Override
            public CompletableResultCode export(Collection<MetricData> metrics) {
                metrics.forEach(m -> points.addAndGet(m.getData().getPoints().size()));
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public AggregationTemporality getAggregationTemporality(InstrumentType type) {
                return AggregationTemporality.CUMULATIVE;
            }

            @Override
            public MemoryMode getMemoryMode() {
                return MemoryMode.REUSABLE_DATA;
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(spanExporter).build())
                        .build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(PeriodicMetricReader.builder(metricExporter)
                        .setInterval(Duration.ofSeconds(1)).build()).build())
                .build();
    }
}
