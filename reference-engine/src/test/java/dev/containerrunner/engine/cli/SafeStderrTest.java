package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SafeStderrTest {

    private static String through(String text) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(new SafeStderr(sink), true, StandardCharsets.UTF_8)) {
            p.print(text);
        }
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rawWritesLoseEveryControlCharacterButLineFeedAndTab() throws IOException {
        assertEquals("a\\rb\nc\td\\x1b[2K\\x00\\x7f\n", through("a\rb\nc\td\u001b[2K\u0000\u007f\n"));
        assertEquals("\\x85\\x9b2K\\x80\\x9f \u00a0\u00ff", through("\u0085\u009b2K\u0080\u009f \u00a0\u00ff"));
        assertEquals("\\u202e\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029",
                through("\u202e\u202a\u2066\u2069\u200e\u200f\u061c\u2028\u2029"));
        String fine = "h\u00e9llo \u2713 \u2027 \u2030 \u2065 \u206a \u0600 \u061b \uD83C\uDF89 \u20ac\n";
        assertEquals(fine, through(fine));
    }

    @Test
    void aCharacterSplitAcrossWritesIsJudgedWhole() throws IOException {
        byte[] rlo = "x\u202ey\u0085z\u20ac".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (SafeStderr s = new SafeStderr(sink)) {
            for (byte b : rlo) {
                s.write(b);
            }
        }
        assertEquals("x\\u202ey\\x85z\u20ac", sink.toString(StandardCharsets.UTF_8));
    }
}
