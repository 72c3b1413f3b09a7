package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 17 §3: cgroup readings → the result's {@code usage} (pure aggregation). */
class ResourceUsageTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void theKernelPeakAndTheLastCpuReadingWithTheTailAtTheLastRate() {
        List<UsageSample> s = List.of(new UsageSample(0.01, 5_000_000L, 3 * MIB, 4 * MIB),
                new UsageSample(1.01, 1_005_000_000L, 200 * MIB, 204 * MIB),
                new UsageSample(2.01, 1_505_000_000L, 100 * MIB, 204 * MIB));
        ResourceUsage u = ResourceUsage.measure(s, 2.51, 1.0, 512 * MIB, false).usage();
        assertEquals(204 * MIB, u.peakMemoryBytes());
        assertEquals(ResourceUsage.PeakSource.CGROUP_MAX_USAGE, u.peakMemorySource());
        assertEquals(1.505, u.cpuSecondsSampled());
        assertEquals(1.755, u.cpuSeconds(), 1e-9, "0.5 s unsampled at the last rate, 0.5 CPU");
        assertEquals(3, u.samples());
        assertEquals(2.01, u.sampledUntilSeconds());
        assertEquals(0.5, u.unsampledSeconds());
    }

    @Test
    void theTailRateNeverExceedsTheCpuLimitAndAnIdleLastIntervalHasNoTail() {
        List<UsageSample> two = List.of(new UsageSample(0.5, 100_000_000L, MIB, MIB),
                new UsageSample(1.5, 1_000_000_000L, MIB, MIB));
        ResourceUsage u = ResourceUsage.measure(two, 2.5, 0.5, 64 * MIB, false).usage();
        assertEquals(1.0 + 0.5, u.cpuSeconds(), 1e-9, "0.9 CPU-s in 1 s is above the limit: the 1 s tail runs at 0.5");
        assertEquals(1.0, u.cpuSecondsSampled());
        assertEquals(0.9, ResourceUsage.lastRate(two, 2.0), 1e-9, "below a limit of 2 CPUs: not capped");
        assertEquals(2.0, ResourceUsage.lastRate(List.of(new UsageSample(1, 0, 0, null),
                new UsageSample(2, 3_000_000_000L, 0, null)), 2.0), 1e-9, "3 CPUs measured under a limit of 2: 2");
        assertEquals(0.0, ResourceUsage.lastRate(List.of(new UsageSample(0.5, 200_000_000L, 0, null),
                new UsageSample(1.5, 200_000_000L, 0, null)), 1.0), 1e-9, "an idle last interval: no tail");
    }

    /**
     * The attack: {@code sleep 1.5} read once, during its start-up (30 ms of CPU, much of it spent before the
     * runner's clock started, read 0.05 s after it). The start-to-first-reading rate (0.6 CPU) made the tail
     * 0.87 CPU-s of a run that slept; with no interval between readings the tail is now estimated at 0.
     */
    @Test
    void oneReadingInTheStartUpBurstThenIdleEstimatesNoTail() {
        List<UsageSample> one = List.of(new UsageSample(0.05, 30_000_000L, 3 * MIB, 4 * MIB));
        ResourceUsage u = ResourceUsage.measure(one, 1.5, 1.0, 64 * MIB, false).usage();
        assertEquals(0.03, u.cpuSecondsSampled());
        assertEquals(0.03, u.cpuSeconds(), "cpu_seconds is the exact sampled value, not 0.03 + 1.45 s at 0.6 CPU");
        assertEquals(1, u.samples());
        assertEquals(0.05, u.sampledUntilSeconds());
        assertEquals(1.45, u.unsampledSeconds());
        assertEquals(0.0, ResourceUsage.lastRate(List.of(new UsageSample(0.5, 200_000_000L, 0, null)), 1.0), 1e-9,
                "one reading: no rate, whatever the reading");
        assertEquals(0.9, ResourceUsage.measure(List.of(new UsageSample(0.5, 900_000_000L, MIB, MIB)), 1.5, 0.5, 64 * MIB, false)
                .usage().cpuSeconds(), 1e-9, "nor is one above the limit taken for a rate");
    }

    @Test
    void twoOrMoreReadingsUseTheLastIntervalNotTheStartUp() {
        UsageSample startUp = new UsageSample(0.02, 30_000_000L, 3 * MIB, 4 * MIB);
        List<UsageSample> thenIdle = List.of(startUp, new UsageSample(1.02, 32_000_000L, 3 * MIB, 4 * MIB));
        ResourceUsage idle = ResourceUsage.measure(thenIdle, 1.52, 1.0, 64 * MIB, false).usage();
        assertEquals(0.032, idle.cpuSecondsSampled());
        assertEquals(0.033, idle.cpuSeconds(), "0.5 s at 0.002 CPU, the last interval's rate (the start-up's 1.5 CPU is not used)");
        List<UsageSample> idleThenBusy = List.of(startUp, new UsageSample(1.02, 32_000_000L, 3 * MIB, 4 * MIB),
                new UsageSample(2.02, 1_032_000_000L, 3 * MIB, 4 * MIB));
        assertEquals(1.0, ResourceUsage.lastRate(idleThenBusy, 1.0), 1e-9, "the last interval, not the run's average (0.5)");
        List<UsageSample> bunched = List.of(startUp, new UsageSample(1.02, 532_000_000L, 0, null),
                new UsageSample(1.02, 540_000_000L, 0, null));
        assertEquals(0.51, ResourceUsage.lastRate(bunched, 1.0), 1e-9,
                "two readings at one instant: the rate from the latest earlier one, not the limit");
        assertEquals(0.0, ResourceUsage.lastRate(List.of(new UsageSample(1, 5, 0, null), new UsageSample(1, 9, 0, null)), 1.0),
                "all readings at one instant: no interval, no tail");
        assertEquals(0.0, ResourceUsage.lastRate(List.of(new UsageSample(1, 900_000_000L, 0, null),
                new UsageSample(2, 800_000_000L, 0, null)), 1.0), "a counter that went back: never negative");
    }

    @Test
    void aZeroLengthTailAddsNothing() {
        List<UsageSample> busy = List.of(new UsageSample(0.02, 30_000_000L, MIB, MIB), new UsageSample(1.02, 1_030_000_000L, MIB, MIB));
        ResourceUsage atEnd = ResourceUsage.measure(busy, 1.02, 1.0, 64 * MIB, false).usage();
        assertEquals(1.03, atEnd.cpuSeconds());
        assertEquals(0.0, atEnd.unsampledSeconds());
        ResourceUsage late = ResourceUsage.measure(busy, 1.0, 1.0, 64 * MIB, false).usage();
        assertEquals(1.03, late.cpuSeconds(), "a reading that arrived after the exit was seen: no negative tail");
        assertEquals(0.0, late.unsampledSeconds());
    }

    @Test
    void aBusyLoopIsStillEstimatedAtItsRate() {
        List<UsageSample> oneCpu = List.of(new UsageSample(0.03, 40_000_000L, MIB, MIB),
                new UsageSample(1.03, 1_030_000_000L, MIB, MIB), new UsageSample(2.04, 2_040_000_000L, MIB, MIB));
        ResourceUsage u = ResourceUsage.measure(oneCpu, 2.74, 1.0, 64 * MIB, false).usage();
        assertEquals(2.04, u.cpuSecondsSampled());
        assertEquals(2.74, u.cpuSeconds(), 1e-9, "0.7 s more at 1 CPU");
        List<UsageSample> halfCpu = List.of(new UsageSample(0.03, 20_000_000L, MIB, MIB),
                new UsageSample(1.03, 520_000_000L, MIB, MIB), new UsageSample(2.03, 1_020_000_000L, MIB, MIB));
        assertEquals(1.02 + 0.4, ResourceUsage.measure(halfCpu, 2.83, 0.5, 64 * MIB, false).usage().cpuSeconds(), 1e-9,
                "a loop held at cpu_limit 0.5: 0.8 s more at 0.5");
    }

    @Test
    void withoutAKernelPeakTheHighestSampledUsageIsALowerBound() {
        List<UsageSample> s = List.of(new UsageSample(1, 1, 10 * MIB, null), new UsageSample(2, 2, 30 * MIB, null),
                new UsageSample(3, 3, 20 * MIB, null));
        ResourceUsage u = ResourceUsage.measure(s, 3, 1, 512 * MIB, false).usage();
        assertEquals(30 * MIB, u.peakMemoryBytes());
        assertEquals("sampled_usage", u.peakMemorySource().wireName());
    }

    @Test
    void anOomKillReportsThePeakAtTheLimitEvenWhenTheLastReadingWasBelowIt() {
        List<UsageSample> s = List.of(new UsageSample(1, 1_000_000L, 10 * MIB, 12 * MIB));
        ResourceUsage u = ResourceUsage.measure(s, 1.2, 1, 64 * MIB, true).usage();
        assertEquals(64 * MIB, u.peakMemoryBytes());
        assertEquals("memory_limit_oom_killed", u.peakMemorySource().wireName());
        ResourceUsage atLimit = ResourceUsage.measure(List.of(new UsageSample(1, 1, 64 * MIB, 64 * MIB)), 1.2, 1, 64 * MIB, true)
                .usage();
        assertEquals(ResourceUsage.PeakSource.CGROUP_MAX_USAGE, atLimit.peakMemorySource(), "the kernel's own peak reached it");
    }

    @Test
    void noReadingIsNotSampledUnlessTheKernelKilledItForMemory() {
        UsageReport none = ResourceUsage.measure(List.of(), 0.3, 1, 64 * MIB, false);
        assertNull(none.usage());
        assertEquals(UsageUnavailable.NOT_SAMPLED, none.unavailable());
        ResourceUsage oom = ResourceUsage.measure(List.of(), 0.3, 1, 64 * MIB, true).usage();
        assertEquals(64 * MIB, oom.peakMemoryBytes());
        assertEquals(0, oom.samples());
        assertNull(oom.cpuSeconds());
        assertNull(oom.sampledUntilSeconds());
        assertEquals(0.3, oom.unsampledSeconds());
    }

    @Test
    void theResultKeysAreTheUsageObjectOrNullWithItsReason() {
        Map<String, Object> m = new LinkedHashMap<>();
        UsageReport.unavailable(UsageUnavailable.NO_METRICS_SOURCE).putInto(m);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("usage", null);
        expected.put("usage_unavailable_reason", "no_metrics_source");
        assertEquals(expected, m);
        m.clear();
        ResourceUsage.measure(List.of(new UsageSample(1, 2_000_000_000L, 5, 7L)), 1, 2, 100, false).putInto(m);
        assertEquals(List.of("peak_memory_bytes", "peak_memory_source", "cpu_seconds", "cpu_seconds_sampled", "samples",
                "sampled_until_seconds", "unsampled_seconds"), List.copyOf(((Map<?, ?>) m.get("usage")).keySet()));
        assertNull(m.get("usage_unavailable_reason"));
        assertThrows(IllegalArgumentException.class, () -> new UsageReport(null, null));
    }

    @Test
    void samplesAreTimedFromTheStartAndNoneIsTakenAfterClose() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        UsageSamples samples = new UsageSamples(500_000_000L, now::get);
        samples.reading(10, 20, 30L);
        samples.close();
        samples.reading(11, 21, 31L);
        assertEquals(List.of(new UsageSample(0.5, 10, 20, 30L)), samples.samples());
    }

    @Test
    void aStreamThatFailedIsStatsFailedWithOrWithoutReadingsEvenForAnOomKill() {
        assertEquals(UsageUnavailable.STATS_FAILED, ResourceUsage.measure(List.of(), true, 60, 1, 64 * MIB, false).unavailable());
        List<UsageSample> fiveSeconds = List.of(new UsageSample(1, 1_000_000_000L, 10 * MIB, 12 * MIB),
                new UsageSample(5, 5_000_000_000L, 10 * MIB, 12 * MIB));
        assertEquals(UsageUnavailable.STATS_FAILED, ResourceUsage.measure(fiveSeconds, true, 60, 1, 64 * MIB, false).unavailable(),
                "55 s after the stream died are unknown: no 55 CPU s extrapolated, no 5 s peak passed off as the run's");
        assertEquals(UsageUnavailable.STATS_FAILED, ResourceUsage.measure(List.of(), true, 0.3, 1, 64 * MIB, true).unavailable());
        assertEquals(60.0, ResourceUsage.measure(fiveSeconds, false, 60, 1, 64 * MIB, false).usage().cpuSeconds(),
                "a healthy stream's tail is estimated as before, capped by cpu_limit");
    }

    @Test
    void theFirstFailureBeforeCloseIsKeptAndOneAfterCloseIsNoFailure() {
        AtomicLong now = new AtomicLong(2_000_000_000L);
        UsageSamples failed = new UsageSamples(1_000_000_000L, now::get);
        failed.reading(500_000_000L, 20, 30L);
        IllegalStateException first = new IllegalStateException("reset");
        failed.failed(first);
        failed.failed(new IllegalStateException("second"));
        failed.close();
        assertEquals(first, failed.failure().orElseThrow());
        assertEquals(1, failed.samples().size());
        assertEquals(UsageUnavailable.STATS_FAILED, failed.report(60, 1, 64 * MIB, false).unavailable());

        UsageSamples closed = new UsageSamples(1_000_000_000L, now::get);
        closed.reading(500_000_000L, 20, 30L);
        closed.close();
        closed.failed(new IllegalStateException("the stream closed under its reader"));
        assertTrue(closed.failure().isEmpty());
        assertEquals(new ResourceUsage(30, ResourceUsage.PeakSource.CGROUP_MAX_USAGE, 0.5, 0.5, 1, 1.0, 0.0),
                closed.report(1.0, 1, 64 * MIB, false).usage());
    }
}
