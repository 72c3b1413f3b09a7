package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.ContainerPath;
import java.io.IOException;
import java.io.InputStream;

/**
 * output_file read back after the run, the same on every backend: text as text, anything else
 * base64, or why it could not be read (missing, too large, unreadable).
 */
public record OutputFile(String content, String encoding, String problem) {

    /** Opens a tar archive holding the file; {@link NoSuchContainerException} when it does not exist. */
    public interface Archive {
        /** The archive's stream; the caller closes it. */
        InputStream open() throws IOException;
    }

    /** Reads the first file of {@code archive}, at most {@code maxBytes}. */
    public static OutputFile read(ContainerPath path, Archive archive, long maxBytes) {
        TarArchives.FileContent file;
        try (InputStream in = archive.open()) {
            file = TarArchives.firstFile(in, maxBytes);
        } catch (NoSuchContainerException e) {
            return new OutputFile(null, null, "output_file " + path + " was not written by the container");
        } catch (IOException e) {
            return new OutputFile(null, null, "output_file " + path + " could not be read: " + e.getMessage());
        }
        if (file.bytes().isEmpty()) {
            return new OutputFile(null, null, "output_file " + path + " " + file.problem());
        }
        Encoded encoded = Encoded.of(file.bytes().get());
        return new OutputFile(encoded.text(), encoded.encoding(), null);
    }
}
