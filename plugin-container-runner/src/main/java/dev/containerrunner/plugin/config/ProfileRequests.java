package dev.containerrunner.plugin.config;

import dev.containerrunner.plugin.model.MemorySize;
import java.util.Optional;

/**
 * A profile's {@code requests}: what the scheduler reserves for the task's container below its
 * limits ({@code memory_limit}, {@code cpu_limit} stay the hard caps). Per resource, either a ratio
 * of the run's limit or a fixed amount, never both; left out, the request equals the limit.
 *
 * <pre>{@code
 * requests: {cpu_request_ratio: 0.25, memory: 128m}
 * }</pre>
 *
 * @param cpuRatio    the CPU request as a fraction of {@code cpu_limit}, in (0, 1]
 * @param cpu         a fixed CPU request in CPUs; a run whose {@code cpu_limit} is lower is refused
 * @param memoryRatio the memory request as a fraction of {@code memory_limit}, in (0, 1]
 * @param memory      a fixed memory request; a run whose {@code memory_limit} is lower is refused
 */
public record ProfileRequests(Optional<Double> cpuRatio, Optional<Double> cpu, Optional<Double> memoryRatio,
                              Optional<MemorySize> memory) {

    /** No requests below the limits. */
    public static ProfileRequests none() {
        return new ProfileRequests(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Whether any request differs from its limit. */
    public boolean isEmpty() {
        return cpuRatio.isEmpty() && cpu.isEmpty() && memoryRatio.isEmpty() && memory.isEmpty();
    }

    /** The CPU request in millicores for a limit of {@code limitMillis}: at least 1, at most the limit. */
    public long cpuMillis(long limitMillis) {
        long m = cpuRatio.map(r -> Math.round(limitMillis * r)).or(() -> cpu.map(c -> Math.round(c * 1000))).orElse(limitMillis);
        return Math.max(1, Math.min(limitMillis, m));
    }

    /** The memory request in bytes for a limit of {@code limitBytes}: at least 1, at most the limit. */
    public long memoryBytes(long limitBytes) {
        long b = memoryRatio.map(r -> (long) Math.floor(limitBytes * r)).or(() -> memory.map(MemorySize::bytes)).orElse(limitBytes);
        return Math.max(1, Math.min(limitBytes, b));
    }

    static ProfileRequests read(ConfigReader q, double maxCpu, MemorySize maxMemory) {
        Optional<Double> cpuRatio = ratio(q, "cpu_request_ratio");
        Optional<Double> memoryRatio = ratio(q, "memory_request_ratio");
        Optional<Double> cpu = q.optionalNumber("cpu", 0.001, maxCpu);
        Optional<MemorySize> memory = q.value("memory").map(v -> {
            q.check(v instanceof String, "memory", "must be a string such as '256m'");
            MemorySize[] m = new MemorySize[1];
            q.checked("memory", () -> m[0] = MemorySize.parse((String) v));
            return m[0];
        });
        q.check(cpu.isEmpty() || cpuRatio.isEmpty(), "cpu", "and cpu_request_ratio cannot both be given (a fixed request or a"
                + " ratio of cpu_limit)");
        q.check(memory.isEmpty() || memoryRatio.isEmpty(), "memory", "and memory_request_ratio cannot both be given (a fixed"
                + " request or a ratio of memory_limit)");
        memory.ifPresent(m -> q.check(m.compareTo(maxMemory) <= 0, "memory", "(" + m + ") is above max_memory (" + maxMemory
                + "): no run could use it"));
        q.rejectUnknown();
        return new ProfileRequests(cpuRatio, cpu, memoryRatio, memory);
    }

    private static Optional<Double> ratio(ConfigReader q, String key) {
        Optional<Double> r = q.optionalNumber(key, 0, 1);
        r.ifPresent(v -> q.check(v > 0, key, "must be above 0 and at most 1 (a fraction of the run's limit), got " + v));
        return r;
    }
}
