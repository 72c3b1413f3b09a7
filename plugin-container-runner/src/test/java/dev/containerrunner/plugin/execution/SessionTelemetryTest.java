package dev.containerrunner.plugin.execution;

import static dev.containerrunner.plugin.telemetry.TestTelemetry.attributes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.plugin.telemetry.TestTelemetry;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session's instruments: slot waits, active runs, and what the reaper removed. */
class SessionTelemetryTest {

    private final TestTelemetry otel = new TestTelemetry();
    private final RunnerTelemetry telemetry = new RunnerTelemetry(otel.sdk);

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    @Test
    void aSlotIsTimedAndCountsAsActiveUntilClosedOnce() {
        ReaperTest.FakeStrategy strategy = new ReaperTest.FakeStrategy();
        BackendSession<String> session = new BackendSession<>(RunnerConfig.defaults(), new BackendSession.Connector<>() {
            @Override
            public String connect() {
                return "client";
            }

            @Override
            public ReaperStrategy<?> reaperStrategy(String connection) {
                return strategy;
            }

            @Override
            public void disconnect(String connection) {
            }
        }, telemetry);
        ContainerSlots.Slot slot = session.acquireSlot(new TestContext("t1"));
        assertEquals(1, otel.longPoint("container_runner.containers.active", attributes("backend", "docker")).orElseThrow()
                .getValue());
        slot.close();
        slot.close();
        assertEquals(0, otel.longPoint("container_runner.containers.active", attributes("backend", "docker")).orElseThrow()
                .getValue(), "closing twice gives the slot back once");
        Map<String, MetricData> m = otel.metrics();
        assertEquals("{container}", m.get("container_runner.containers.active").getUnit());
        MetricData wait = m.get("container_runner.slot.wait.duration");
        assertEquals("s", wait.getUnit());
        assertEquals(1, wait.getHistogramData().getPoints().iterator().next().getCount());
        session.close();
    }

    @Test
    void theReaperCountsWhatItRemoved() {
        ReaperTest.FakeStrategy strategy = new ReaperTest.FakeStrategy();
        strategy.add(ReaperTest.run("expired", Labels.EXPIRES_AT, Long.toString(ReaperTest.NOW.getEpochSecond())));
        strategy.add(ReaperTest.run("stuck", Labels.EXPIRES_AT, Long.toString(ReaperTest.NOW.getEpochSecond())));
        strategy.add(ReaperTest.run("living"));
        strategy.failing.add("stuck");
        Reaper reaper = new Reaper(strategy, Clock.fixed(ReaperTest.NOW, ZoneOffset.UTC), n -> telemetry.reaperRemoved(n, "docker"));
        assertEquals(1, reaper.sweep());
        strategy.failing.clear();
        reaper.sweep(); // the failed removal is retried and counted now
        assertEquals(2, otel.longPoint("container_runner.reaper.removed", attributes("backend", "docker")).orElseThrow()
                .getValue());
        assertEquals("{run}", otel.metrics().get("container_runner.reaper.removed").getUnit());
    }
}
