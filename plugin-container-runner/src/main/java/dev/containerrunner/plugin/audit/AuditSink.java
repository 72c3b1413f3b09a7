package dev.containerrunner.plugin.audit;

import java.io.IOException;

/**
 * Where audit lines are appended besides the SLF4J logger: the configured file ({@link AuditFile}),
 * or another destination in tests.
 *
 * @apiNote Implementations are thread-safe: lines of concurrent attempts arrive from many task threads.
 */
public interface AuditSink {

    /**
     * Appends one complete line (JSON plus {@code \n}) with a single append, never interleaved with another.
     *
     * @throws IOException when the line could not be appended whole
     */
    void append(byte[] line) throws IOException;

    /**
     * Checks, writing nothing, that a line can be appended now.
     *
     * @throws IOException saying why not, in words that follow the destination's name ("is a directory, ...")
     */
    void check() throws IOException;

    /** The destination for messages, e.g. the file's path. */
    String describe();
}
