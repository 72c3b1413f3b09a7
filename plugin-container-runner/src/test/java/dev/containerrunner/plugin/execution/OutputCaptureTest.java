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

    @Test
    void bytesThatAreNotUtf8ComeBackAsBase64WithTheirEncoding() {
        OutputCapture c = new OutputCapture(1024, (s, l) -> { });
        c.onOutput(StreamKind.STDOUT, new byte[] {(byte) 0xED, (byte) 0xAB, (byte) 0xEE, (byte) 0xDB, 0x6F, 0x6B});
        c.onOutput(StreamKind.STDERR, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        c.onEnd(null);
        assertEquals(new Encoded("7avu229r", "base64"), c.stdout().encoded());
        assertEquals(new Encoded("Y2Fm6Q==", "base64"), c.stderr().encoded());
        OutputCapture text = new OutputCapture(1024, (s, l) -> { });
        text.onOutput(StreamKind.STDOUT, bytes("caf\u00e9 \u20ac\u0000"));
        assertEquals(new Encoded("caf\u00e9 \u20ac\u0000", "utf-8"), text.stdout().encoded());
    }

    @Test
    void truncationCutsAtACharacterBoundary() {
        OutputCapture c = new OutputCapture(1024, (s, l) -> { });
        c.onOutput(StreamKind.STDOUT, bytes("\u20ac".repeat(400))); // 1200 bytes; 1024 = 341 characters + 1 byte
        c.onEnd(null);
        assertTrue(c.stdout().truncated());
        assertEquals(new Encoded("\u20ac".repeat(341), "utf-8"), c.stdout().encoded());
        for (String s : List.of("a\u00e9", "a\u20ac", "a\ud83d\ude00")) {
            byte[] full = bytes(s);
            for (int cut = 1; cut < full.length; cut++) {
                byte[] part = java.util.Arrays.copyOf(full, cut);
                assertEquals(1, OutputCapture.Stream.characterBoundary(part), s + " cut at " + cut);
            }
            assertEquals(full.length, OutputCapture.Stream.characterBoundary(full));
        }
    }

    /** Attack report 14: the character-boundary drop is for text only; binary output cut at N keeps exactly N bytes. */
    @Test
    void truncatedBinaryOutputKeepsExactlyTheLimitInBase64() {
        byte[] binary = new byte[4096];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7 + 0xC3); // invalid UTF-8 throughout; some cuts end in what looks like a lead byte
        }
        for (int limit : List.of(1024, 1023, 1022, 1021, 5)) {
            OutputCapture c = new OutputCapture(limit, (s, l) -> { });
            c.onOutput(StreamKind.STDOUT, binary);
            c.onEnd(null);
            assertTrue(c.stdout().truncated());
            Encoded e = c.stdout().encoded();
            assertEquals("base64", e.encoding(), "limit " + limit);
            assertEquals(java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(binary, limit)), e.text(),
                    "limit " + limit);
        }
        // a binary stream whose kept part ends in what looks like an incomplete character: still every byte
        OutputCapture c = new OutputCapture(4, (s, l) -> { });
        c.onOutput(StreamKind.STDOUT, new byte[] {(byte) 0xFF, 'a', 'b', (byte) 0xE2, (byte) 0x82, (byte) 0xAC});
        c.onEnd(null);
        assertEquals(new Encoded("/2Fi4g==", "base64"), c.stdout().encoded());
        // text cut inside a character still loses only that character's bytes
        OutputCapture t = new OutputCapture(4, (s, l) -> { });
        t.onOutput(StreamKind.STDOUT, bytes("ab\u20ac"));
        t.onEnd(null);
        assertEquals(new Encoded("ab", "utf-8"), t.stdout().encoded());
    }

    @Test
    void longLinesAreSplitForTheLogAtCharacterBoundaries() {
        List<String> lines = new ArrayList<>();
        OutputCapture c = new OutputCapture(1 << 20, (s, l) -> lines.add(l));
        byte[] line = bytes("\u20ac".repeat(100_000) + "\n");
        for (int off = 0; off < line.length; off += 4093) { // frames that cut characters too
            c.onOutput(StreamKind.STDOUT, java.util.Arrays.copyOfRange(line, off, Math.min(line.length, off + 4093)));
        }
        c.onEnd(null);
        assertTrue(lines.size() > 1);
        assertEquals("\u20ac".repeat(100_000), String.join("", lines));
        assertTrue(lines.stream().noneMatch(l -> l.indexOf('\ufffd') >= 0));
    }

    @Test
    void controlCharactersCannotForgeLogLines() {
        List<String> lines = new ArrayList<>();
        OutputCapture c = new OutputCapture(1024, (s, l) -> lines.add(l));
        c.onOutput(StreamKind.STDOUT, bytes("benign\r[deploy #] container exited 0\n\u001b]0;title\u0007\u001b[2Kx\u0000y\u202e\n"));
        c.onEnd(null);
        assertEquals(List.of("benign\\r[deploy #] container exited 0", "\\x1b]0;title\\x07\\x1b[2Kx\\x00y\\u202e"), lines);
        assertEquals("benign\r[deploy #] container exited 0\n\u001b]0;title\u0007\u001b[2Kx\u0000y\u202e\n", c.stdout().text(),
                "the captured bytes stay exact");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
