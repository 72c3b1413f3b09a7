package dev.containerrunner.plugin.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** An OpenTelemetry SDK with in-memory exporters, and readers for what it recorded. */
public final class TestTelemetry implements AutoCloseable {

    public final InMemorySpanExporter spans = InMemorySpanExporter.create();
    public final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    public final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();

    /** Every metric recorded so far, by name (cumulative). */
    public Map<String, MetricData> metrics() {
        Collection<MetricData> all = metrics.collectAllMetrics();
        return all.stream().collect(Collectors.toMap(MetricData::getName, m -> m));
    }

    /** The finished spans by name (the last one of each name). */
    public Map<String, SpanData> spansByName() {
        return spans.getFinishedSpanItems().stream().collect(Collectors.toMap(SpanData::getName, s -> s, (a, b) -> b));
    }

    /** The finished spans' names, in the order they ended. */
    public List<String> spanNames() {
        return spans.getFinishedSpanItems().stream().map(SpanData::getName).toList();
    }

    /** The point of long metric {@code name} with exactly {@code attributes}, if any. */
    public Optional<LongPointData> longPoint(String name, Attributes attributes) {
        MetricData m = metrics().get(name);
        if (m == null) {
            return Optional.empty();
        }
        Collection<LongPointData> points = m.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_SUM
                ? m.getLongSumData().getPoints() : List.of();
        return points.stream().filter(p -> p.getAttributes().equals(attributes)).findFirst();
    }

    /** {@code key=value, ...} attributes. */
    public static Attributes attributes(String... kv) {
        io.opentelemetry.api.common.AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < kv.length; i += 2) {
            b.put(AttributeKey.stringKey(kv[i]), kv[i + 1]);
        }
        return b.build();
    }

    @Override
    public void close() {
        sdk.close();
    }
}
