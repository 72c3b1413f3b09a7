package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.HumanText;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's stderr below its {@code PrintStream}, as a last line of defence: UTF-8 bytes pass
 * unchanged, except the characters of {@link HumanText}'s rule other than line feed and tab, which
 * are written as the same visible escapes ({@code \r}, {@code \x1b}, {@code \x9b},
 * {@code \u202e}, {@code \u2028}). The engine's own lines are escaped before they get here; this
 * catches what others print to {@code System.err} (log lines of the engine's and plugins' loggers,
 * stack traces), so no control sequence reaches the terminal from anything but the
 * {@link StatusLine} below it. A character split across two writes is judged whole. Thread-safe.
 */
final class SafeStderr extends FilterOutputStream {

    /** Lead bytes of the multi-byte characters of the rule: U+0080..U+009F (C2), U+061C (D8), U+20xx (E2). */
    private static final int C2 = 0xc2;
    private static final int D8 = 0xd8;
    private static final int E2 = 0xe2;

    private final byte[] pending = new byte[2];
    private int pendingLength;

    SafeStderr(OutputStream out) {
        super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(len + 16);
        for (int i = off; i < off + len; i++) {
            accept(b[i] & 0xff, chunk);
        }
        if (chunk.size() > 0) {
            out.write(chunk.toByteArray()); // one write: StatusLine redraws after a whole chunk
        }
    }

    private void accept(int b, ByteArrayOutputStream chunk) {
        if (pendingLength == 0) {
            if (b == C2 || b == D8 || b == E2) {
                pending[pendingLength++] = (byte) b;
            } else if (b < 0x20 && b != '\n' && b != '\t' || b == 0x7f) {
                escape(b, chunk);
            } else {
                chunk.write(b);
            }
            return;
        }
        int lead = pending[0] & 0xff;
        if (pendingLength == 1 && lead == C2 && b >= 0x80 && b <= 0x9f) {
            pendingLength = 0;
            escape(b, chunk); // U+0080..U+009F
        } else if (pendingLength == 1 && lead == D8 && b == 0x9c) {
            pendingLength = 0;
            escape(0x061c, chunk);
        } else if (pendingLength == 1 && lead == E2 && (b == 0x80 || b == 0x81)) {
            pending[pendingLength++] = (byte) b;
        } else if (pendingLength == 2 && unsafeThird(pending[1] & 0xff, b)) {
            pendingLength = 0;
            escape(0x2000 | ((pending[1] & 0x3f) << 6) | (b & 0x3f), chunk);
        } else {
            chunk.write(pending, 0, pendingLength); // not one of the rule's characters: as it came
            pendingLength = 0;
            accept(b, chunk);
        }
    }

    /** E2 80 8E/8F/A8..AE, E2 81 A6..A9: U+200E/F, U+2028..U+202E, U+2066..U+2069. */
    private static boolean unsafeThird(int second, int third) {
        return second == 0x80 ? third == 0x8e || third == 0x8f || third >= 0xa8 && third <= 0xae
                : third >= 0xa6 && third <= 0xa9;
    }

    private static void escape(int codePoint, ByteArrayOutputStream chunk) {
        String text = HumanText.line(String.valueOf((char) codePoint));
        chunk.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes a character left half-way (the stream ends inside it) as it came, then closes. */
    @Override
    public synchronized void close() throws IOException {
        if (pendingLength > 0) {
            out.write(pending, 0, pendingLength);
            pendingLength = 0;
        }
        super.close();
    }
}
