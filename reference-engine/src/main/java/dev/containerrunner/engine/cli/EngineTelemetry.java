package dev.containerrunner.engine.cli;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI's OpenTelemetry SDK, installed by OpenTelemetry's standard autoconfiguration from the
 * {@code OTEL_*} environment variables and {@code otel.*} system properties — and off unless
 * configured: the only change to the standard defaults is that the traces, metrics and logs
 * exporters default to {@code none} (not {@code otlp}); when all three are {@code none} (or
 * {@code OTEL_SDK_DISABLED=true}) no SDK is made at all: no thread, no port, no connection.
 * Installed as the global OpenTelemetry before any plugin is loaded, so plugins (which use the
 * API only, shared by the plugin classloader's parent) record to it. {@link #close()} flushes and
 * shuts the SDK down.
 *
 * @apiNote Thread-safe.
 */
final class EngineTelemetry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineTelemetry.class);
    private static final List<String> SIGNALS = List.of("traces", "metrics", "logs");
    /** Bound on the flush at exit: an unreachable collector must not hold the CLI. */
    private static final long FLUSH_SECONDS = 10;
    /** The one OTLP protocol whose sender the engine bundles. */
    static final String HTTP_PROTOBUF = "http/protobuf";
    private static final String AUTOCONFIGURE_LOGGER = "io.opentelemetry.sdk.autoconfigure";

    private final OpenTelemetrySdk sdk;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private EngineTelemetry(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /**
     * The SDK the settings in {@code env} and {@code properties} ask for (installed as global), or
     * none when they name no exporter.
     *
     * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException for settings OpenTelemetry refuses
     */
    static EngineTelemetry install(Map<String, String> env, Properties properties) {
        if (!configured(env, properties)) {
            return new EngineTelemetry(null);
        }
        refuseOtherOtlpProtocols(env, properties);
        refuseBadPrometheusPort(env, properties);
        Map<String, String> defaults = new HashMap<>(Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none", "otel.service.name", "workflow-engine",
                // the only sender bundled is the JDK HTTP client's (SDK 1.65 would default to grpc)
                "otel.exporter.otlp.protocol", HTTP_PROTOBUF,
                // metrics are not exposed off-host unless asked (and the SDK's INFO line about it is not printed)
                "otel.exporter.prometheus.host", "localhost"));
        // the CLI's environment (the process's, except in tests); the process's own variables and properties still win
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                defaults.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        // the SDK logs its own refusal at INFO on stderr; the CLI reports it once, as a clear exit 2
        java.util.logging.Logger autoconfigure = java.util.logging.Logger.getLogger(AUTOCONFIGURE_LOGGER);
        java.util.logging.Level level = autoconfigure.getLevel();
        autoconfigure.setLevel(java.util.logging.Level.WARNING);
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .disableShutdownHook() // closed by the CLI, after the run's spans ended (also on Ctrl-C)
                    .setResultAsGlobal()
                    .build()
                    .getOpenTelemetrySdk();
            return new EngineTelemetry(sdk);
        } finally {
            autoconfigure.setLevel(level);
        }
    }

    /**
     * Refuses an OTLP protocol other than {@code http/protobuf} (the grpc sender is not bundled).
     *
     * @throws ConfigurationException naming the variable and the allowed value
     */
    private static void refuseOtherOtlpProtocols(Map<String, String> env, Properties properties) {
        for (String name : List.of("otel.exporter.otlp.protocol", "otel.exporter.otlp.traces.protocol",
                "otel.exporter.otlp.metrics.protocol", "otel.exporter.otlp.logs.protocol")) {
            String value = setting(env, properties, name);
            if (value != null && !HTTP_PROTOBUF.equals(value.strip())) {
                throw new ConfigurationException(name.toUpperCase(Locale.ROOT).replace('.', '_') + " (" + name + ") is '"
                        + value + "'; allowed: " + HTTP_PROTOBUF + " (the engine bundles no grpc sender)");
            }
        }
    }

    /**
     * Refuses a Prometheus port that is not a whole number 0..65535 (the SDK's own refusal names
     * neither the variable nor the range).
     *
     * @throws ConfigurationException naming the variable and the allowed range
     */
    private static void refuseBadPrometheusPort(Map<String, String> env, Properties properties) {
        String name = "otel.exporter.prometheus.port";
        String value = setting(env, properties, name);
        if (value == null || value.isBlank()) {
            return;
        }
        int port;
        try {
            port = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("OTEL_EXPORTER_PROMETHEUS_PORT (" + name + ") is '" + value
                    + "'; allowed: a port number 0..65535");
        }
    }

    /**
     * The useful message of an OpenTelemetry refusal: the deepest non-null message of its cause
     * chain (the SDK wraps many refusals as "Unexpected configuration error"), with the outer
     * message kept when it names more.
     *
     * @param e the refusal; never null
     * @return one line, never null
     */
    static String reason(Throwable e) {
        String deepest = null;
        Throwable outer = e;
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t.getMessage().strip();
            }
        }
        String top = outer.getMessage();
        if (deepest == null) {
            return top != null ? top : outer.getClass().getSimpleName();
        }
        if (top != null && !top.isBlank() && !top.equals(deepest) && !top.startsWith("Unexpected configuration error")) {
            return top + ": " + deepest;
        }
        return deepest;
    }

    /** Whether an exporter is named (other than none) and the SDK is not disabled. */
    static boolean configured(Map<String, String> env, Properties properties) {
        if ("true".equalsIgnoreCase(setting(env, properties, "otel.sdk.disabled"))) {
            return false;
        }
        for (String signal : SIGNALS) {
            String exporters = setting(env, properties, "otel." + signal + ".exporter");
            if (exporters != null && !exporters.isBlank() && !"none".equalsIgnoreCase(exporters.strip())) {
                return true;
            }
        }
        return false;
    }

    /** A setting as autoconfiguration reads it: the system property first, then the environment variable. */
    private static String setting(Map<String, String> env, Properties properties, String name) {
        String property = properties.getProperty(name);
        return property != null ? property : env.get(name.toUpperCase(Locale.ROOT).replace('.', '_'));
    }

    /** The installed OpenTelemetry, or the API's no-op when none is. */
    OpenTelemetry openTelemetry() {
        return sdk != null ? sdk : OpenTelemetry.noop();
    }

    /** Whether an SDK was installed. */
    boolean installed() {
        return sdk != null;
    }

    /**
     * Exports what is pending (spans, a last collection of metrics) and shuts the SDK down, waiting
     * at most 10 s; a failed export is logged. Idempotent.
     */
    @Override
    public void close() {
        if (sdk == null || !closed.compareAndSet(false, true)) {
            return;
        }
        CompletableResultCode done = sdk.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
        if (!done.isSuccess()) {
            LOG.warn("OpenTelemetry: not everything could be exported at exit (within {} s)", FLUSH_SECONDS);
        }
    }

    /** For tests: forgets the global OpenTelemetry. */
    static void resetGlobalForTest() {
        GlobalOpenTelemetry.resetForTest();
    }
}
