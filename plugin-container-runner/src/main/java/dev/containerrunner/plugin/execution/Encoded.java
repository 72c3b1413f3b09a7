package dev.containerrunner.plugin.execution;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** File bytes for a JSON result: UTF-8 text as text, anything else (or with NUL bytes) as base64. */
public record Encoded(String text, String encoding) {

    /** {@code bytes} as UTF-8 text when they are valid UTF-8 without NUL bytes, else as base64. */
    public static Encoded of(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return base64(bytes);
            }
        }
        try {
            return new Encoded(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString(), "utf-8");
        } catch (CharacterCodingException e) {
            return base64(bytes);
        }
    }

    private static Encoded base64(byte[] bytes) {
        return new Encoded(Base64.getEncoder().encodeToString(bytes), "base64");
    }
}
