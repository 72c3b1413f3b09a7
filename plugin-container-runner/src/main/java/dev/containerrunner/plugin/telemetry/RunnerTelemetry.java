package dev.containerrunner.plugin.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Objects;

/**
 * The runner's metrics and traces through the OpenTelemetry API only (the engine installs the
 * SDK, or nothing: then every call is the API's no-op). One per app: its instruments are made once
 * from the {@link OpenTelemetry} it is given; each action invocation is traced by an
 * {@link ActionTrace} from {@link #startAction}.
 *
 * <p>Instruments (names, units and attributes are public, see README "Metrics and traces"):
 * {@code container_runner.runs}, {@code container_runner.run.duration} (s),
 * {@code container_runner.containers.active}, {@code container_runner.image.pull.duration} (s),
 * {@code container_runner.slot.wait.duration} (s), {@code container_runner.output.bytes} (By),
 * {@code container_runner.reaper.removed}.
 *
 * @apiNote Thread-safe.
 */
public final class RunnerTelemetry {

    /** The instrumentation scope of the plugin's meter and tracer. */
    public static final String SCOPE = "dev.containerrunner.plugin";

    static final AttributeKey<String> ACTION = AttributeKey.stringKey("action");
    static final AttributeKey<String> BACKEND = AttributeKey.stringKey("backend");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> FAILURE_REASON = AttributeKey.stringKey("failure_reason");
    static final AttributeKey<String> SOURCE = AttributeKey.stringKey("source");

    /** Seconds, from 5 ms to an hour: container runs, pulls and slot waits. */
    private static final List<Double> SECONDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0);

    private static final RunnerTelemetry NOOP = new RunnerTelemetry(OpenTelemetry.noop());

    final Tracer tracer;
    final LongCounter runs;
    final DoubleHistogram runDuration;
    private final LongUpDownCounter active;
    final DoubleHistogram pullDuration;
    private final DoubleHistogram slotWait;
    final LongCounter outputBytes;
    private final LongCounter reaperRemoved;

    /** The instruments of {@code openTelemetry} (e.g. {@code GlobalOpenTelemetry.get()}, or an SDK in tests). */
    public RunnerTelemetry(OpenTelemetry openTelemetry) {
        this(openTelemetry, null);
    }

    /** As {@link #RunnerTelemetry(OpenTelemetry)}, the instrumentation scope carrying the app's {@code version}. */
    public RunnerTelemetry(OpenTelemetry openTelemetry, String version) {
        Objects.requireNonNull(openTelemetry);
        Meter meter = version == null ? openTelemetry.getMeter(SCOPE)
                : openTelemetry.meterBuilder(SCOPE).setInstrumentationVersion(version).build();
        this.tracer = version == null ? openTelemetry.getTracer(SCOPE)
                : openTelemetry.tracerBuilder(SCOPE).setInstrumentationVersion(version).build();
        this.runs = meter.counterBuilder("container_runner.runs").setUnit("{run}")
                .setDescription("Action invocations that ended, by action, backend, outcome and failure_reason").build();
        this.runDuration = seconds(meter, "container_runner.run.duration", "How long an action invocation took, end to end");
        this.active = meter.upDownCounterBuilder("container_runner.containers.active").setUnit("{container}")
                .setDescription("Runs holding a container slot now: their container is being created, runs or is being removed")
                .build();
        this.pullDuration = seconds(meter, "container_runner.image.pull.duration", "How long an image pull took (Docker)");
        this.slotWait = seconds(meter, "container_runner.slot.wait.duration",
                "How long a run waited for a slot of max_concurrent_containers");
        this.outputBytes = meter.counterBuilder("container_runner.output.bytes").setUnit("By")
                .setDescription("Bytes read from containers: stdout and stderr as produced, collect_output files delivered")
                .build();
        this.reaperRemoved = meter.counterBuilder("container_runner.reaper.removed").setUnit("{run}")
                .setDescription("Runs (container or Job with their volumes and Secrets) the reaper removed").build();
    }

    /** Telemetry that records nothing (the API's no-op). */
    public static RunnerTelemetry noop() {
        return NOOP;
    }

    private static DoubleHistogram seconds(Meter meter, String name, String description) {
        return meter.histogramBuilder(name).setUnit("s").setDescription(description).setExplicitBucketBoundariesAdvice(SECONDS)
                .build();
    }

    /**
     * Starts the span of one invocation of {@code action} on {@code backend}, a child of the
     * caller's current span (the engine's task attempt), and makes it current on this thread
     * until the returned trace is closed (on the same thread).
     */
    public ActionTrace startAction(String action, String backend) {
        return ActionTrace.start(this, action, backend);
    }

    /** A run waited {@code nanos} for its container slot. */
    public void slotWaited(long nanos, String backend) {
        slotWait.record(nanos / 1e9, Attributes.of(BACKEND, backend));
    }

    /** A run took ({@code +1}) or gave back ({@code -1}) its container slot. */
    public void activeChanged(long delta, String backend) {
        active.add(delta, Attributes.of(BACKEND, backend));
    }

    /** The reaper removed {@code count} runs. */
    public void reaperRemoved(long count, String backend) {
        if (count > 0) {
            reaperRemoved.add(count, Attributes.of(BACKEND, backend));
        }
    }
}
