package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;
import org.junit.jupiter.api.Test;

/** Issue 17 §3: the engine's stats frames (as Docker 20.10 sends them on cgroup v1) → readings. */
class DockerStatsTest {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A frame of a python holding 200 MiB, captured here (trimmed to the fields read, plus a few others). */
    private static final String RUNNING = """
            {"read":"2026-11-30T13:15:32.083417124Z","preread":"0001-01-01T00:00:00Z","pids_stats":{"current":1},
             "cpu_stats":{"cpu_usage":{"total_usage":156914421,"percpu_usage":[143474467,13439954],
               "usage_in_kernelmode":130000000,"usage_in_usermode":20000000},"system_cpu_usage":44001640000000,"online_cpus":2,
               "throttling_data":{"periods":5,"throttled_periods":0,"throttled_time":0}},
             "precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0}},
             "memory_stats":{"usage":214437888,"max_usage":214437888,"stats":{"cache":344064,"rss":212922368},
               "limit":536870912}}""";

    /** What the engine sends for a container that is not running (it exited between two readings). */
    private static final String NOT_RUNNING = """
            {"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},"num_procs":0,"storage_stats":{},
             "cpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},
               "throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{}}""";

    @Test
    void aRunningContainersFrameGivesCpuNanosUsageAndTheKernelPeak() throws Exception {
        DockerStats.Reading r = DockerStats.reading(JSON.readValue(RUNNING, Statistics.class)).orElseThrow();
        assertEquals(new DockerStats.Reading(156914421L, 214437888L, 214437888L), r);
    }

    @Test
    void theEmptyFrameOfAStoppedContainerIsNoReading() throws Exception {
        assertTrue(DockerStats.reading(JSON.readValue(NOT_RUNNING, Statistics.class)).isEmpty());
        assertTrue(DockerStats.reading(null).isEmpty());
    }

    @Test
    void withoutMaxUsageThePeakIsUnknown() throws Exception {
        String v2 = RUNNING.replace("\"max_usage\":214437888,", "");
        assertEquals(new DockerStats.Reading(156914421L, 214437888L, null),
                DockerStats.reading(JSON.readValue(v2, Statistics.class)).orElseThrow());
    }
}
