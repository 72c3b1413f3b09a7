package dev.containerrunner.plugin.execution;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the bytes of one {@link StreamedInput} for reading, once per delivery attempt: an
 * in-memory input_file, an object in S3, or any other source a backend streams into a run.
 */
@FunctionalInterface
public interface InputOpener {

    /**
     * Opens a new stream positioned at the input's first byte; the caller closes it.
     *
     * @throws IOException when the source cannot be opened
     */
    InputStream open() throws IOException;
}
