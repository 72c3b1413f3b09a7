package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kubelet's error text in a followed log's body is never output. */
class KubeletLogTailTest {

    private static final String NO_SUCH = "rpc error: code = Unknown desc = Error: No such container: "
            + "fa34e28b0c1d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0011";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final KubeletLogTail tail = new KubeletLogTail(out::writeBytes);

    private void feed(String... chunks) {
        for (String c : chunks) {
            tail.accept(c.getBytes(StandardCharsets.UTF_8));
        }
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTimedOutSleepWhosePodWentAwayHasNoOutputAndAnError() {
        feed(NO_SUCH);
        assertEquals("", output());
        assertEquals(Optional.of(NO_SUCH), tail.end());
        assertEquals("", output());
    }

    @Test
    void theProgramsOutputBeforeTheErrorIsKeptWholeAndTheErrorSplitAcrossChunksIsDropped() {
        feed("line one\nline", " two\npartial", NO_SUCH.substring(0, 10), NO_SUCH.substring(10));
        assertEquals("line one\nline two\n", output(), "complete lines pass at once; the unterminated tail waits");
        assertEquals(Optional.of(NO_SUCH), tail.end());
        assertEquals("line one\nline two\npartial", output());
    }

    @Test
    void aCleanEndPassesTheUnterminatedTailOn() {
        feed("a\n", "no newline at the end");
        assertEquals(Optional.empty(), tail.end());
        assertEquals("a\nno newline at the end", output());
    }

    @Test
    void anErrorTextFollowedByMoreLinesIsTheProgramsOwnOutput() {
        feed("rpc error: code = printed by the program\n", "done\n");
        assertEquals(Optional.empty(), tail.end());
        assertEquals("rpc error: code = printed by the program\ndone\n", output());
    }

    @Test
    void aLongLineWithoutNewlineIsHeldBackAtMostHoldBytes() {
        String big = "x".repeat(3 * KubeletLogTail.HOLD);
        feed(big);
        assertEquals(2 * KubeletLogTail.HOLD, output().length());
        feed(NO_SUCH);
        assertTrue(tail.end().isPresent());
        assertEquals(big, output());
    }
}
