package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's error text in the followed log of a stopped container is never output; the output
 * of a container that exited by itself is passed on exactly, whatever its last line says.
 */
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
        assertEquals(Optional.of(NO_SUCH), tail.end(KubeletLogTail.Ending.STOPPED));
        assertEquals("", output());
    }

    @Test
    void theProgramsOutputBeforeTheErrorIsKeptWholeAndTheErrorSplitAcrossChunksIsDropped() {
        feed("line one\nline", " two\npartial", NO_SUCH.substring(0, 10), NO_SUCH.substring(10));
        assertEquals("line one\nline two\n", output(), "complete lines pass at once; the unterminated tail waits");
        assertEquals(Optional.of(NO_SUCH), tail.end(KubeletLogTail.Ending.STOPPED));
        assertEquals("line one\nline two\npartial", output());
    }

    @Test
    void aCleanEndPassesTheUnterminatedTailOn() {
        feed("a\n", "no newline at the end");
        assertEquals(Optional.empty(), tail.end(KubeletLogTail.Ending.STOPPED));
        assertEquals("a\nno newline at the end", output());
    }

    @Test
    void anErrorTextFollowedByMoreLinesIsTheProgramsOwnOutput() {
        feed("rpc error: code = printed by the program\n", "done\n");
        assertEquals(Optional.empty(), tail.end(KubeletLogTail.Ending.STOPPED));
        assertEquals("rpc error: code = printed by the program\ndone\n", output());
    }

    @Test
    void aLongLineWithoutNewlineIsHeldBackAtMostHoldBytes() {
        String big = "x".repeat(3 * KubeletLogTail.HOLD);
        feed(big);
        assertEquals(2 * KubeletLogTail.HOLD, output().length());
        feed(NO_SUCH);
        assertTrue(tail.end(KubeletLogTail.Ending.STOPPED).isPresent());
        assertEquals(big, output());
    }

    @Test
    void aProgramsOwnUnterminatedLineNamingAGrpcErrorIsOutputWhenItExitedByItself() {
        feed("line 1\n", "{\"level\":\"warn\",\"msg\":\"retrying: rpc error: code = Unavailable desc = x\"}");
        assertEquals(Optional.empty(), tail.end(KubeletLogTail.Ending.EXITED), "the program's output is no kubelet error");
        assertEquals("line 1\n{\"level\":\"warn\",\"msg\":\"retrying: rpc error: code = Unavailable desc = x\"}", output());
    }

    @Test
    void outputEndingWithoutNewlineIsKeptWholeWhenItExitedByItself() {
        String text = "grpcurl: rpc error: code = NotFound desc = no such method";
        feed(text);
        tail.end(KubeletLogTail.Ending.EXITED);
        assertEquals(text, output());
    }

    @Test
    void everyKubeletPrefixInTheTailOfAnExitedContainerIsOutputExactly() {
        String text = "a\nb unable to retrieve container logs for x failed to try resolving symlinks in path y " + NO_SUCH;
        feed(text.substring(0, 7), text.substring(7));
        assertEquals(Optional.empty(), tail.end(KubeletLogTail.Ending.EXITED));
        assertEquals(text, output());
    }
}
