package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.ContainerPath;
import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One file a backend streams into a run before its main container starts, backend-neutral: where
 * the container sees it, how many bytes it has, optionally their expected SHA-256, and how to open
 * them. The backend copies exactly {@code sizeBytes} bytes with memory bounded by a small buffer,
 * verifies the size and the SHA-256 of what landed against what it sent (and against
 * {@code sha256Hex} when given), and fails the run otherwise.
 *
 * @param path      where the container sees the file (inside one of the run's directories)
 * @param sizeBytes how many bytes the opened stream yields, {@code >= 0}
 * @param sha256Hex the expected SHA-256, 64 lower-case hex digits, when the source knows it
 * @param opener    opens the bytes
 * @apiNote Immutable and thread-safe when {@code opener} is.
 */
public record StreamedInput(ContainerPath path, long sizeBytes, Optional<String> sha256Hex, InputOpener opener) {

    /**
     * @throws IllegalArgumentException when {@code sizeBytes} is negative or {@code sha256Hex} is
     *     not 64 lower-case hex digits
     */
    public StreamedInput {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        Objects.requireNonNull(opener, "opener");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, got " + sizeBytes);
        }
        sha256Hex.ifPresent(s -> {
            if (!s.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256Hex must be 64 lower-case hex digits, got '" + s + "'");
            }
        });
    }

    /** An input held in memory (e.g. input_file's content); its SHA-256 is computed while it is streamed. */
    public static StreamedInput ofBytes(ContainerPath path, byte[] content) {
        return new StreamedInput(path, content.length, Optional.empty(), () -> new ByteArrayInputStream(content));
    }

    /** {@code digest} as 64 lower-case hex digits. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
