package dev.containerrunner.plugin.execution;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Bytes for a JSON result, never altered: valid UTF-8 as text ({@code encoding: "utf-8"}),
 * anything else as base64 ({@code encoding: "base64"}).
 */
public record Encoded(String text, String encoding) {

    /** A file's bytes: UTF-8 text without NUL bytes as text, anything else (or with NUL bytes) as base64. */
    public static Encoded of(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return base64(bytes);
            }
        }
        return ofText(bytes);
    }

    /** A stream's bytes: valid UTF-8 (NUL included: JSON escapes it) as text, anything else as base64. */
    public static Encoded ofText(byte[] bytes) {
        try {
            return new Encoded(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString(), "utf-8");
        } catch (CharacterCodingException e) {
            return base64(bytes);
        }
    }

    /** {@code bytes} as base64, whatever they are. */
    public static Encoded base64(byte[] bytes) {
        return new Encoded(Base64.getEncoder().encodeToString(bytes), "base64");
    }
}
