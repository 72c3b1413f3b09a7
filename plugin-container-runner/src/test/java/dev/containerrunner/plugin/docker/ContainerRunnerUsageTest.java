package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ResourceUsage;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.execution.UsageListener;
import dev.containerrunner.plugin.execution.UsageUnavailable;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 17 §3: the Docker run's usage comes from the readings of its stats stream, which it closes (pure logic, mocked engine). */
class ContainerRunnerUsageTest {

    private static final long MIB = 1024 * 1024;

    private final DockerGateway gateway = mock(DockerGateway.class);
    private final DockerGateway.Attachment attachment = mock(DockerGateway.Attachment.class);
    private final DockerGateway.StatsStream stream = mock(DockerGateway.StatsStream.class);
    private final RunnerConfig config = RunnerConfig.from(Map.of("allowed_images", List.of("python:3.11-slim"),
            "stop_grace_seconds", 1, "collect_retention_seconds", 0));

    @BeforeEach
    void engine() {
        when(gateway.ensureImage(anyString(), any())).thenReturn(new DockerGateway.ImageInfo("sha256:abc", List.of(), false));
        when(gateway.createContainer(any())).thenReturn("c1");
        when(gateway.attachOutput(eq("c1"), any())).thenReturn(attachment);
        when(attachment.awaitEnd(any())).thenReturn(true);
        when(gateway.awaitExit("c1")).thenReturn(CompletableFuture.completedFuture(137L));
    }

    private RunResult run() {
        Map<String, Object> k = new HashMap<>(Map.of("image", "python:3.11-slim", "memory_limit", "64m", "cpu_limit", 0.5));
        return new ContainerRunner(gateway, config).run(RunRequest.from("run_container", k, config.requestDefaults()),
                new TestContext("t1"));
    }

    @Test
    void theReadingsBecomeTheUsageAndAnOomKillPutsThePeakAtTheLimit() {
        when(gateway.streamStats(eq("c1"), any())).thenAnswer(i -> {
            UsageListener listener = i.getArgument(1);
            listener.reading(300_000_000L, 20 * MIB, 30 * MIB);
            return stream;
        });
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 137L, true, null, Map.of(), null));
        RunResult r = run();
        ResourceUsage u = r.usage().usage();
        assertEquals(64 * MIB, u.peakMemoryBytes());
        assertEquals(ResourceUsage.PeakSource.MEMORY_LIMIT_OOM_KILLED, u.peakMemorySource());
        assertEquals(0.3, u.cpuSecondsSampled());
        assertEquals(1, u.samples());
        verify(stream, org.mockito.Mockito.atLeastOnce()).close();
        assertEquals(u.toMap(), r.toMap().get("usage"));
    }

    @Test
    void aStreamThatCannotStartIsStatsFailedAndTheRunGoesOn() {
        when(gateway.streamStats(eq("c1"), any())).thenThrow(new ContainerEngineException("stats", "refused", null));
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, false, null, Map.of(), null));
        RunResult r = run();
        assertNull(r.usage().usage());
        assertEquals(UsageUnavailable.STATS_FAILED, r.usage().unavailable());
        assertEquals("stats_failed", r.toMap().get("usage_unavailable_reason"));
        assertEquals(true, r.success());
    }

    @Test
    void noReadingIsNotSampled() {
        when(gateway.streamStats(eq("c1"), any())).thenReturn(stream);
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, false, null, Map.of(), null));
        assertEquals(UsageUnavailable.NOT_SAMPLED, run().usage().unavailable());
    }

    @Test
    void aStreamThatFailsWhileTheRunGoesOnIsStatsFailedAndTheRunStillSucceeds() {
        when(gateway.streamStats(eq("c1"), any())).thenAnswer(i -> {
            UsageListener listener = i.getArgument(1);
            listener.reading(300_000_000L, 20 * MIB, 30 * MIB);
            listener.failed(new java.io.EOFException("the engine closed the connection inside a chunk"));
            return stream;
        });
        when(gateway.inspect("c1")).thenReturn(new DockerGateway.ContainerState(false, 0L, false, null, Map.of(), null));
        RunResult r = run();
        assertNull(r.usage().usage());
        assertEquals(UsageUnavailable.STATS_FAILED, r.usage().unavailable());
        assertEquals(true, r.success());
        verify(stream, org.mockito.Mockito.atLeastOnce()).close();
    }
}
