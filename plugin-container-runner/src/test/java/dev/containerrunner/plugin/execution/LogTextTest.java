package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LogText's rule and the neutralising sink every action's log goes through (attack report 5 and 7). */
class LogTextTest {

    @Test
    void everyLineBreakingOrReorderingCharacterIsEscaped() {
        assertEquals("a\\rb\\nc\\x1b[2K\\x00\\x7f\\x9b2K", LogText.neutralize("a\rb\nc\u001b[2K\u0000\u007f\u009b2K"));
        assertEquals("nel\\x85x", LogText.neutralize("nel\u0085x"));
        assertEquals("z\\u2028[forge #] LS forged\\u2029", LogText.neutralize("z\u2028[forge #] LS forged\u2029"));
        for (char c : new char[] {0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
                0x2069}) {
            assertEquals(String.format("x\\u%04x", (int) c), LogText.neutralize("x" + c), Integer.toHexString(c));
        }
    }

    @Test
    void printableTextTabsAndOtherScriptsPassUntouched() {
        String text = "tab\there caf\u00e9 \u20ac \u0645\u0631\u062d\u0628\u0627 \ud83d\ude00 \\r stays";
        assertSame(text, LogText.neutralize(text));
    }

    @Test
    void neutralisingTwiceChangesNothing() {
        String once = LogText.neutralize("x\r\u001b]0;pwned\u0007\u202e\u2028\u0085");
        assertEquals(once, LogText.neutralize(once));
    }

    @Test
    void theContextsSinkNeutralisesEveryStreamAndOnlyOnce() {
        List<String> got = new ArrayList<>();
        ActionContext raw = ActionContext.of("wf", "run", "task", (s, l) -> got.add(s + " " + l), CancellationSignal.never(),
                Map.of("k", "v"));
        ActionContext ctx = NeutralLog.context(raw);
        assertSame(ctx, NeutralLog.context(ctx));
        assertSame(ctx.log(), NeutralLog.sink(ctx.log()));
        ctx.log().line(LogSink.Stream.SYSTEM, "the run failed: start container: stat /nonexistent\r[execfail #] container"
                + " exited 0: all checks passed\u001b[2K\u009b2K");
        ctx.log().line(LogSink.Stream.STDOUT, LogText.neutralize("out\rput"));
        ctx.log().line(LogSink.Stream.STDERR, "z\u2028forged");
        assertEquals(List.of("SYSTEM the run failed: start container: stat /nonexistent\\r[execfail #] container exited 0: all"
                + " checks passed\\x1b[2K\\x9b2K", "STDOUT out\\rput", "STDERR z\\u2028forged"), got);
        assertEquals("wf", ctx.workflowName());
        assertEquals("run", ctx.runId());
        assertEquals("task", ctx.taskId());
        assertSame(raw.cancellation(), ctx.cancellation());
        assertEquals(Map.of("k", "v"), ctx.configuration());
        assertTrue(got.stream().allMatch(l -> l.chars().noneMatch(ch -> ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))));
    }
}
