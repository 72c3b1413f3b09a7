package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.TestContext;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A container printing 1 GiB: capture stays bounded. The failsafe JVM runs with a small heap
 * (-Xmx384m), so buffering the stream would fail outright; the test also reports heap figures.
 */
class HugeOutputIT extends DockerIT {

    @Test
    void oneGibibyteOfStdoutKeepsTheHeapSmall() throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = mem.getHeapMemoryUsage().getUsed();
        AtomicLong lines = new AtomicLong();
        TestContext ctx = new TestContext("flood", (stream, line) -> lines.incrementAndGet());
        long t0 = System.nanoTime();
        Map<String, Object> r = call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sh", "-c",
                "yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
                        + "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"
                        + " | head -c 1073741824"), "timeout_seconds", 300);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.gc();
        long after = mem.getHeapMemoryUsage().getUsed();
        long retained = after - before;
        System.out.printf("1 GiB stdout: %.1f s, %d lines streamed, heap used before %d MiB, after %d MiB, max heap %d MiB%n",
                seconds, lines.get(), before >> 20, after >> 20, Runtime.getRuntime().maxMemory() >> 20);
        assertEquals(true, r.get("success"), String.valueOf(r.get("error")));
        assertEquals(true, r.get("stdout_truncated"));
        assertEquals(10 << 20, ((String) r.get("stdout")).length());
        assertTrue(lines.get() > 5_000_000, "every line went to the log sink: " + lines.get());
        assertTrue(retained < 32L << 20, "retained heap growth " + (retained >> 20) + " MiB");
    }
}
