package dev.containerrunner.engine.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowDefinitionException;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.engine.testkit.SpanApp;
import dev.containerrunner.engine.testkit.TestkitApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin jar in a directory gets its own classloader that sees only the SPI (and SLF4J). */
class PluginDirectoryTest {

    @TempDir
    Path dir;

    private void writePluginJar(Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Class<?> c : List.of(TestkitApp.class, TestkitApp.Refused.class)) { // the app and its nested exception
                String cls = c.getName().replace('.', '/') + ".class";
                j.putNextEntry(new JarEntry(cls));
                try (var in = TestkitApp.class.getClassLoader().getResourceAsStream(cls)) {
                    in.transferTo(j);
                }
            }
            j.putNextEntry(new JarEntry("META-INF/services/dev.containerrunner.spi.TaskApp"));
            j.write((TestkitApp.class.getName() + "\n").getBytes());
        }
    }

    @Test
    void aJarDroppedIntoTheDirectoryIsFoundAndIsolated() throws IOException {
        writePluginJar(dir.resolve("testkit.jar"));
        Files.writeString(dir.resolve("README.txt"), "not a jar");
        try (WorkflowEngine engine = WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(dir).build()) {
            InstalledApp app = engine.catalog().apps().iterator().next();
            assertTrue(app.source().endsWith("testkit.jar"));
            assertNotSame(TestkitApp.class, app.app().getClass(), "loaded by the plugin's own classloader");
            WorkflowRun run = engine.run(new WorkflowBuilder("iso", "1")
                    .task("spi", "apps.platform.testkit.probe", Map.of("class_name", "dev.containerrunner.spi.TaskApp"), "spi")
                    .task("jackson", "apps.platform.testkit.probe", Map.of("class_name", "com.fasterxml.jackson.databind.ObjectMapper"), "jackson")
                    .task("engine", "apps.platform.testkit.probe", Map.of("class_name", "dev.containerrunner.engine.WorkflowEngine"), "engine")
                    .build());
            assertEquals(true, run.result("spi").get("visible"));
            assertEquals(false, run.result("jackson").get("visible"), "engine dependencies are hidden from plugins");
            assertEquals(false, run.result("engine").get("visible"));
            assertEquals("plugin:testkit.jar", run.result("spi").get("loader"));
            assertEquals("plugin:testkit.jar", run.result("spi").get("context_loader"),
                    "actions run with the app's loader as context loader (ServiceLoader users inside plugins need it)");
        }
    }

    @Test
    void theOpenTelemetryApiIsSharedSoAPluginSeesTheEnginesSpan() throws IOException {
        writePluginJar(dir.resolve("testkit.jar"));
        SpanApp.writeJar(dir.resolve("spans.jar"));
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
             WorkflowEngine engine = WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(dir).openTelemetry(sdk)
                     .build()) {
            WorkflowRun run = engine.run(new WorkflowBuilder("otel", "1")
                    .task("span", "apps.platform.spans.current", Map.of(), "span")
                    .task("api", "apps.platform.testkit.probe", Map.of("class_name", "io.opentelemetry.api.GlobalOpenTelemetry"),
                            "api")
                    .task("context", "apps.platform.testkit.probe", Map.of("class_name", "io.opentelemetry.context.Context"),
                            "context")
                    .task("sdk", "apps.platform.testkit.probe", Map.of("class_name", "io.opentelemetry.sdk.OpenTelemetrySdk"),
                            "sdk")
                    .build());
            assertEquals(true, run.result("api").get("visible"));
            assertEquals(true, run.result("context").get("visible"));
            assertEquals(false, run.result("sdk").get("visible"), "only the API is shared, never the SDK");
            assertEquals(String.valueOf(io.opentelemetry.api.trace.Span.class.getClassLoader()),
                    run.result("span").get("api_loader"), "the plugin uses the engine's copy of the API");
            SpanData task = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("workflow.task")
                    && "span".equals(s.getAttributes().get(AttributeKey.stringKey("workflow.task.id")))).findFirst().orElseThrow();
            assertEquals(task.getSpanId(), run.result("span").get("span_id"),
                    "the plugin's current span is the engine's task attempt: its own spans become children");
            assertEquals(task.getTraceId(), run.result("span").get("trace_id"));
        }
    }

    @Test
    void theSameAppTwiceIsRefused() throws IOException {
        writePluginJar(dir.resolve("a.jar"));
        writePluginJar(dir.resolve("b.jar"));
        String msg = assertThrows(WorkflowDefinitionException.class,
                () -> WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(dir).build()).getMessage();
        assertTrue(msg.contains("installed twice"), msg);
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        String msg = assertThrows(WorkflowDefinitionException.class,
                () -> WorkflowEngine.builder().pluginDirectory(dir.resolve("nope")).build()).getMessage();
        assertTrue(msg.contains("does not exist"), msg);
    }
}
