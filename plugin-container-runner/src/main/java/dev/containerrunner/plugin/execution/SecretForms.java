package dev.containerrunner.plugin.execution;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The byte strings that give a secret's value away, for the {@link Redactor}: the value's bytes;
 * its base64 in the standard and the URL-safe alphabet — the value's own encoding (with padding),
 * and the characters fully determined by the value wherever it sits inside a longer base64 string
 * (three alignments: the value starting at byte 0, 1 or 2 of a 3-byte group; the characters that
 * also hold bits of the neighbouring bytes are not part of it).
 */
final class SecretForms {

    private SecretForms() {
    }

    /** The byte strings that give {@code value} away: itself and its base64 forms. */
    static List<byte[]> of(byte[] value) {
        List<byte[]> out = new ArrayList<>();
        out.add(value.clone());
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            out.add(encoder.encode(value));
            Base64.Encoder bare = encoder.withoutPadding();
            for (int offset = 0; offset < 3; offset++) {
                byte[] shifted = new byte[offset + value.length];
                System.arraycopy(value, 0, shifted, offset, value.length);
                byte[] text = bare.encode(shifted);
                Arrays.fill(shifted, (byte) 0);
                // character k holds bits [6k, 6k + 6); the value's bits are [8 * offset, 8 * (offset + n))
                int from = (8 * offset + 5) / 6;
                int to = 8 * (offset + value.length) / 6;
                if (to - from >= Redactor.MIN_CHARACTERS) {
                    out.add(Arrays.copyOfRange(text, from, to));
                }
                Arrays.fill(text, (byte) 0);
            }
        }
        return out;
    }

    /** Code points when {@code value} is UTF-8, else bytes. */
    static int characters(byte[] value) {
        try {
            CharSequence text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
            return (int) text.codePoints().count();
        } catch (CharacterCodingException e) {
            return value.length;
        }
    }
}
