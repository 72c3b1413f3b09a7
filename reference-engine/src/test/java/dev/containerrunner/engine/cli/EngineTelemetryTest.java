package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CLI's SDK: off unless an exporter is named, a real exporter when one is, flushed and stopped at close. */
class EngineTelemetryTest {

    @AfterEach
    void forgetGlobal() {
        EngineTelemetry.resetGlobalForTest();
    }

    private static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }

    @Test
    void withNothingConfiguredNoSdkIsMadeNoThreadNoPort() {
        Set<String> before = threads();
        try (EngineTelemetry t = EngineTelemetry.install(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"),
                new Properties())) {
            assertFalse(t.installed(), "an endpoint alone names no exporter");
            assertSame(OpenTelemetry.noop(), t.openTelemetry());
        }
        Set<String> after = threads();
        after.removeAll(before);
        assertTrue(after.stream().noneMatch(n -> n.toLowerCase().contains("otel") || n.toLowerCase().contains("metric")
                || n.toLowerCase().contains("span") || n.toLowerCase().contains("prometheus")), after.toString());
    }

    @Test
    void onlyANamedExporterTurnsItOn() {
        Properties none = new Properties();
        assertFalse(EngineTelemetry.configured(Map.of(), none));
        assertFalse(EngineTelemetry.configured(Map.of("OTEL_METRICS_EXPORTER", "none", "OTEL_TRACES_EXPORTER", " NONE "), none));
        assertTrue(EngineTelemetry.configured(Map.of("OTEL_METRICS_EXPORTER", "prometheus"), none));
        assertTrue(EngineTelemetry.configured(Map.of("OTEL_TRACES_EXPORTER", "otlp"), none));
        assertFalse(EngineTelemetry.configured(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true"), none));
        Properties props = new Properties();
        props.setProperty("otel.logs.exporter", "logging");
        assertTrue(EngineTelemetry.configured(Map.of(), props));
        props.setProperty("otel.logs.exporter", "none");
        assertFalse(EngineTelemetry.configured(Map.of("OTEL_LOGS_EXPORTER", "otlp"), props), "the property wins over the variable");
    }

    @Test
    void thePrometheusExporterServesTheGlobalMetricsUntilClosed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EngineTelemetry t = EngineTelemetry.install(Map.of("OTEL_METRICS_EXPORTER", "prometheus",
                "OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1", "OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(port)),
                new Properties());
        try {
            assertTrue(t.installed());
            GlobalOpenTelemetry.getMeter("test").counterBuilder("container_runner.runs").build().add(2);
            String body = get(port);
            assertTrue(body.contains("container_runner_runs_total"), body);
            assertTrue(body.contains("service_name=\"workflow-engine\""), body);
        } finally {
            t.close();
            t.close();
        }
        assertThrows(ConnectException.class, () -> get(port), "the port is closed with the SDK");
    }

    @Test
    void settingsOpenTelemetryRefusesAreAConfigurationError() {
        assertThrows(ConfigurationException.class, () -> EngineTelemetry.install(Map.of("OTEL_METRICS_EXPORTER", "bogus"),
                new Properties()));
    }

    private static String get(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
