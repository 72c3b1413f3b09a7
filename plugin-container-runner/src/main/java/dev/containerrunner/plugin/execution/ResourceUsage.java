package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run used, from its container's cgroup as the backend read it while it ran (the public
 * {@code usage} object). Memory in bytes, CPU and times in seconds (millisecond precision).
 *
 * @param peakMemoryBytes   the memory peak the run reached (see {@code peakMemorySource})
 * @param peakMemorySource  where {@code peakMemoryBytes} comes from
 * @param cpuSeconds        CPU time used (user + system, all CPUs): {@code cpuSecondsSampled} plus the
 *                          unsampled tail estimated at the rate between the last two readings, never above
 *                          {@code cpu_limit}; with a single reading the tail is estimated at 0 (the only
 *                          interval, from the start, measures the container's start-up)
 * @param cpuSecondsSampled the cgroup's cumulative CPU time at the last reading (a lower bound)
 * @param samples           how many readings were taken; 0 only for a run the kernel killed for memory
 *                          before the first reading (its peak is the limit; CPU and
 *                          {@code sampledUntilSeconds} are then null: unknown)
 * @param sampledUntilSeconds when the last reading arrived, in seconds after the start
 * @param unsampledSeconds  the run's wall time after the last reading (up to its exit)
 */
public record ResourceUsage(long peakMemoryBytes, PeakSource peakMemorySource, Double cpuSeconds, Double cpuSecondsSampled,
                            int samples, Double sampledUntilSeconds, double unsampledSeconds) {

    /** Where the memory peak comes from (the {@code peak_memory_source} values). */
    public enum PeakSource {
        /** The kernel's own peak of the cgroup (cgroup v1 {@code memory.max_usage_in_bytes}, page cache included). */
        CGROUP_MAX_USAGE,
        /** No kernel peak reported (cgroup v2 on older engines): the highest usage among the readings, a lower bound. */
        SAMPLED_USAGE,
        /** The kernel killed the run for memory above what the last reading showed: the run's memory limit. */
        MEMORY_LIMIT_OOM_KILLED;

        /** The wire value, e.g. {@code cgroup_max_usage}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The usage measured by {@code samples} (in arrival order) of a run that ended {@code endSeconds}
     * after its start, under {@code cpuLimit} CPUs and {@code memoryLimitBytes}; {@code oomKilled}
     * when the kernel killed it for memory. Without samples: not sampled, unless it was killed for
     * memory (then the peak is the limit, and CPU unknown).
     */
    public static UsageReport measure(List<UsageSample> samples, double endSeconds, double cpuLimit, long memoryLimitBytes,
                                      boolean oomKilled) {
        return measure(samples, false, endSeconds, cpuLimit, memoryLimitBytes, oomKilled);
    }

    /**
     * As {@link #measure(List, double, double, long, boolean)}, for readings whose stream failed
     * before the run's exit was seen when {@code streamFailed}: then {@code stats_failed}, with or
     * without readings, since what came after the failure (CPU, and a peak above the last reading)
     * is unknown and the readings would pass for the whole run.
     */
    public static UsageReport measure(List<UsageSample> samples, boolean streamFailed, double endSeconds, double cpuLimit,
                                      long memoryLimitBytes, boolean oomKilled) {
        if (streamFailed) {
            return UsageReport.unavailable(UsageUnavailable.STATS_FAILED);
        }
        if (samples.isEmpty()) {
            return oomKilled ? UsageReport.measured(new ResourceUsage(memoryLimitBytes, PeakSource.MEMORY_LIMIT_OOM_KILLED,
                    null, null, 0, null, millis(endSeconds))) : UsageReport.unavailable(UsageUnavailable.NOT_SAMPLED);
        }
        UsageSample last = samples.get(samples.size() - 1);
        long cpuNanos = 0;
        Long kernelPeak = null;
        long usagePeak = 0;
        for (UsageSample s : samples) {
            cpuNanos = Math.max(cpuNanos, s.cpuNanos());
            usagePeak = Math.max(usagePeak, s.memoryBytes());
            if (s.memoryPeakBytes() != null) {
                kernelPeak = Math.max(kernelPeak == null ? 0 : kernelPeak, s.memoryPeakBytes());
            }
        }
        long peak = kernelPeak != null ? kernelPeak : usagePeak;
        PeakSource source = kernelPeak != null ? PeakSource.CGROUP_MAX_USAGE : PeakSource.SAMPLED_USAGE;
        if (oomKilled && peak < memoryLimitBytes) {
            peak = memoryLimitBytes;
            source = PeakSource.MEMORY_LIMIT_OOM_KILLED;
        }
        double sampled = cpuNanos / 1e9;
        double tail = Math.max(0, endSeconds - last.atSeconds());
        double cpu = sampled + tail * lastRate(samples, cpuLimit);
        return UsageReport.measured(new ResourceUsage(peak, source, millis(cpu), millis(sampled), samples.size(),
                millis(last.atSeconds()), millis(tail)));
    }

    /**
     * The CPU rate (CPUs) at which the unsampled tail is estimated: that between the last reading and
     * the latest one before it in time, between 0 and {@code cpuLimit}; 0 when there is no such
     * earlier reading (one reading, or all at one instant). The interval from the start to the first
     * reading never sets it: its CPU is the container's start-up (the runtime's init and the program's
     * loading, partly spent before the runner's clock starts), so its rate says nothing of what the
     * run did afterwards (a sleeping task would get a tail at its start-up burst's rate).
     *
     * @param samples  the readings in arrival order, at least one
     * @param cpuLimit the run's CPU limit (CPUs), the highest rate returned
     * @return the rate in CPUs, in {@code [0, cpuLimit]}
     */
    static double lastRate(List<UsageSample> samples, double cpuLimit) {
        UsageSample last = samples.get(samples.size() - 1);
        for (int i = samples.size() - 2; i >= 0; i--) {
            UsageSample prev = samples.get(i);
            double dt = last.atSeconds() - prev.atSeconds();
            if (dt > 0) {
                return Math.max(0, Math.min(cpuLimit, (last.cpuNanos() - prev.cpuNanos()) / 1e9 / dt));
            }
        }
        return 0;
    }

    private static double millis(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** The public {@code usage} object (keys and order are public API). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_memory_bytes", peakMemoryBytes);
        m.put("peak_memory_source", peakMemorySource.wireName());
        m.put("cpu_seconds", cpuSeconds);
        m.put("cpu_seconds_sampled", cpuSecondsSampled);
        m.put("samples", samples);
        m.put("sampled_until_seconds", sampledUntilSeconds);
        m.put("unsampled_seconds", unsampledSeconds);
        return m;
    }
}
