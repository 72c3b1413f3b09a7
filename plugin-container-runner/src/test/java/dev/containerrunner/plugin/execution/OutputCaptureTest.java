package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    @Test
    void splitsLinesAcrossFramesAndKeepsStreamsApart() {
        List<String> lines = new ArrayList<>();
        OutputCapture c = new OutputCapture(1024, (s, l) -> lines.add(s + ":" + l));
        c.onOutput(StreamKind.STDOUT, bytes("hel"));
        c.onOutput(StreamKind.STDERR, bytes("oops\n"));
        c.onOutput(StreamKind.STDOUT, bytes("lo\r\nworld"));
        c.onEnd(null);
        assertEquals(List.of("STDERR:oops", "STDOUT:hello", "STDOUT:world"), lines);
        assertEquals("hello\r\nworld", c.stdout().text());
        assertEquals("oops\n", c.stderr().text());
    }

    @Test
    void boundsWhatItKeepsButStillStreamsEverything() {
        List<String> lines = new ArrayList<>();
        OutputCapture c = new OutputCapture(10, (s, l) -> lines.add(l));
        for (int i = 0; i < 100; i++) {
            c.onOutput(StreamKind.STDOUT, bytes("line" + i + "\n"));
        }
        assertEquals(10, c.stdout().text().length());
        assertTrue(c.stdout().truncated());
        assertFalse(c.stderr().truncated());
        assertEquals(100, lines.size());
    }

    @Test
    void veryLongLinesAreCutForTheLogSink() {
        List<String> lines = new ArrayList<>();
        OutputCapture c = new OutputCapture(1 << 20, (s, l) -> lines.add(l));
        c.onOutput(StreamKind.STDOUT, new byte[OutputCapture.MAX_LINE * 2 + 5]);
        c.onEnd(null);
        assertEquals(3, lines.size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
