package dev.containerrunner.engine.testkit;

import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.TaskApp;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A test app, loaded only from a plugin jar that {@link #writeJar} makes (it is not on the
 * classpath's service list): {@code apps.platform.spans.current} returns the OpenTelemetry span
 * current while it runs and which loader gave it the API.
 */
public final class SpanApp implements TaskApp {

    @Override
    public String publisher() {
        return "platform";
    }

    @Override
    public String name() {
        return "spans";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public void registerActions(ActionRegistry registry) {
        registry.register(ActionDefinition.builder("current").description("the OpenTelemetry span current while it runs")
                .handler((kwargs, ctx) -> {
                    SpanContext span = Span.current().getSpanContext();
                    return Map.of("success", true, "trace_id", span.getTraceId(), "span_id", span.getSpanId(),
                            "api_loader", String.valueOf(Span.class.getClassLoader()));
                }).build());
    }

    /** Writes a plugin jar holding this app alone. */
    public static void writeJar(Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            String cls = SpanApp.class.getName().replace('.', '/') + ".class";
            j.putNextEntry(new JarEntry(cls));
            try (var in = SpanApp.class.getClassLoader().getResourceAsStream(cls)) {
                in.transferTo(j);
            }
            j.putNextEntry(new JarEntry("META-INF/services/dev.containerrunner.spi.TaskApp"));
            j.write((SpanApp.class.getName() + "\n").getBytes());
        }
    }
}
