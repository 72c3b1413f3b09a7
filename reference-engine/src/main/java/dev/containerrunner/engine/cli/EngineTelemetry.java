package dev.containerrunner.engine.cli;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
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
        Map<String, String> defaults = new HashMap<>(Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none", "otel.service.name", "workflow-engine"));
        // the CLI's environment (the process's, except in tests); the process's own variables and properties still win
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) {
                defaults.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook() // closed by the CLI, after the run's spans ended (also on Ctrl-C)
                .setResultAsGlobal()
                .build()
                .getOpenTelemetrySdk();
        return new EngineTelemetry(sdk);
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
