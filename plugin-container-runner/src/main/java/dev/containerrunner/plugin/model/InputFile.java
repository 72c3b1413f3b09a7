package dev.containerrunner.plugin.model;

import java.util.Arrays;

/**
 * A file placed in the container before it starts.
 *
 * @param path    where the container sees it
 * @param content its bytes (decoded from base64 when the kwarg said {@code encoding: base64})
 */
public record InputFile(ContainerPath path, byte[] content) {

    @Override
    public boolean equals(Object o) {
        return o instanceof InputFile f && f.path.equals(path) && Arrays.equals(f.content, content);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "InputFile[" + path + ", " + content.length + " bytes]";
    }
}
