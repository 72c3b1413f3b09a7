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

    @Test
    void otlpExportersBuildWithTheDefaultsAndAClosedPortNeitherFailsNorHoldsTheClose() {
        long start = System.nanoTime();
        EngineTelemetry t = EngineTelemetry.install(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_LOGS_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"), new Properties());
        try {
            assertTrue(t.installed());
            GlobalOpenTelemetry.getTracer("test").spanBuilder("s").startSpan().end();
            GlobalOpenTelemetry.getMeter("test").counterBuilder("c").build().add(1);
        } finally {
            t.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 12, "closed within its bound: " + seconds + " s");
    }

    @Test
    void anOtlpProtocolOtherThanHttpProtobufIsRefusedByName() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> EngineTelemetry.install(
                Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), new Properties()));
        assertTrue(e.getMessage().contains("OTEL_EXPORTER_OTLP_PROTOCOL") && e.getMessage().contains("http/protobuf"),
                e.getMessage());
        Properties props = new Properties();
        props.setProperty("otel.exporter.otlp.metrics.protocol", "grpc");
        e = assertThrows(ConfigurationException.class, () -> EngineTelemetry.install(
                Map.of("OTEL_METRICS_EXPORTER", "otlp"), props));
        assertTrue(e.getMessage().contains("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"), e.getMessage());
        EngineTelemetry t = EngineTelemetry.install(Map.of("OTEL_TRACES_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
                new Properties());
        t.close();
    }

    @Test
    void aPrometheusPortOutOfRangeIsReportedWithItsCause() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> EngineTelemetry.install(
                Map.of("OTEL_METRICS_EXPORTER", "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT", "70000"), new Properties()));
        String reason = EngineTelemetry.reason(e);
        assertFalse(reason.startsWith("Unexpected configuration error"), reason);
        assertTrue(reason.contains("70000"), reason);
        assertTrue(reason.contains("OTEL_EXPORTER_PROMETHEUS_PORT") && reason.contains("0..65535"), reason);
    }

    @Test
    void aPrometheusPortInUseIsReportedWithItsCauseAndNoSdkInfoLine() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.util.logging.Handler handler = new java.util.logging.StreamHandler(captured, new java.util.logging.SimpleFormatter());
        handler.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(handler);
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> EngineTelemetry.install(
                    Map.of("OTEL_METRICS_EXPORTER", "prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1",
                            "OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(busy.getLocalPort())), new Properties()));
            String reason = EngineTelemetry.reason(e);
            assertFalse(reason.startsWith("Unexpected configuration error"), reason);
            assertTrue(reason.toLowerCase().contains("address already in use") || reason.toLowerCase().contains("bind"), reason);
        } finally {
            handler.flush();
            root.removeHandler(handler);
        }
        assertFalse(captured.toString().contains("Error encountered during autoconfiguration"), captured.toString());
    }

    @Test
    void thePrometheusHostDefaultsToLocalhostWithoutTheSdkInfoLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.util.logging.Handler handler = new java.util.logging.StreamHandler(captured, new java.util.logging.SimpleFormatter());
        handler.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(handler);
        try {
            EngineTelemetry t = EngineTelemetry.install(Map.of("OTEL_METRICS_EXPORTER", "prometheus",
                    "OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(port)), new Properties());
            try {
                assertTrue(get(port).length() >= 0);
            } finally {
                t.close();
            }
        } finally {
            handler.flush();
            root.removeHandler(handler);
        }
        assertFalse(captured.toString().contains("host not set"), captured.toString());
    }

    private static String get(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
