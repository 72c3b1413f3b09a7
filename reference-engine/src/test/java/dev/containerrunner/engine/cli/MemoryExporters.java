package dev.containerrunner.engine.cli;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * A span exporter named {@code memory} for OpenTelemetry's autoconfiguration (registered in the
 * test resources): {@code OTEL_TRACES_EXPORTER=memory} sends the CLI's spans to {@link #SPANS}.
 * Autoconfiguration puts a batch processor in front of it, so a span arrives only when the batch
 * is exported: on its schedule, or when the SDK is flushed.
 */
public final class MemoryExporters {

    /** What the CLI's SDK exported; cleared by the tests. */
    public static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    private MemoryExporters() {
    }

    /** The provider autoconfiguration finds by its name. */
    public static final class Spans implements ConfigurableSpanExporterProvider {
        @Override
        public SpanExporter createExporter(ConfigProperties config) {
            return new SpanExporter() { // not SPANS itself: its shutdown would stop it for the next test
                @Override
                public io.opentelemetry.sdk.common.CompletableResultCode export(
                        java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
                    return SPANS.export(spans);
                }

                @Override
                public io.opentelemetry.sdk.common.CompletableResultCode flush() {
                    return SPANS.flush();
                }

                @Override
                public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
                    return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
                }
            };
        }

        @Override
        public String getName() {
            return "memory";
        }
    }
}
