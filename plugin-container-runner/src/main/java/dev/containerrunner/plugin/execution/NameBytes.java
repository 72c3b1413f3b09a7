package dev.containerrunner.plugin.execution;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * File names are bytes. A name read from an engine or a cluster is decoded as UTF-8 without losing
 * anything: each byte that is not part of a valid UTF-8 sequence becomes the lone surrogate
 * {@code U+DC00 + byte} (no valid UTF-8 decodes to a lone surrogate, so two different names never
 * give the same string, and a real U+FFFD in a name stays an ordinary character). Such a name is
 * reported with its {@link #display} form and its exact bytes in base64; it is never read or
 * written. Thread-safe (pure).
 */
public final class NameBytes {

    private static final char FIRST = '\udc80';
    private static final char LAST = '\udcff';

    private NameBytes() {
    }

    /** {@code bytes} as UTF-8, each invalid byte kept as {@code U+DC00 + byte}. */
    public static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 1);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isUnderflow()) {
                decoder.flush(out);
                return out.flip().toString();
            }
            if (r.isOverflow()) {
                throw new IllegalStateException("a UTF-8 decode cannot need more than 2 chars per byte");
            }
            for (int i = 0; i < r.length(); i++) {
                out.put((char) (0xDC00 | (in.get() & 0xFF)));
            }
        }
    }

    /** Whether {@code name} holds bytes that were not valid UTF-8 ({@link #decode}'s escapes). */
    public static boolean hasInvalidBytes(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= FIRST && c <= LAST) {
                return true;
            }
        }
        return false;
    }

    /** The exact bytes of a {@link #decode}d name. */
    public static byte[] bytes(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 8);
        int start = 0;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : 0;
            if (i == name.length() || (c >= FIRST && c <= LAST)) {
                out.writeBytes(name.substring(start, i).getBytes(StandardCharsets.UTF_8));
                if (i < name.length()) {
                    out.write(c & 0xFF);
                }
                start = i + 1;
            }
        }
        return out.toByteArray();
    }

    /** {@link #bytes} in base64. */
    public static String base64(String name) {
        return Base64.getEncoder().encodeToString(bytes(name));
    }

    /** {@code text} for people and JSON: each invalid byte shown as U+FFFD (not unique: see {@link #base64}). */
    public static String display(String text) {
        if (!hasInvalidBytes(text)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            b.append(c >= FIRST && c <= LAST ? '\ufffd' : c);
        }
        return b.toString();
    }
}
