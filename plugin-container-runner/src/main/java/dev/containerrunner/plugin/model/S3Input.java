package dev.containerrunner.plugin.model;

import java.util.Optional;

/**
 * One entry of the {@code inputs} kwarg: an S3 object streamed to a file of the container before it
 * starts, or, when {@link S3Url#isPrefix()}, every object under a prefix streamed into a directory
 * (each object's key below the prefix becoming its path below {@code path}).
 *
 * @param url    the object or prefix
 * @param path   the file (object) or directory (prefix) in the container
 * @param sha256 the expected SHA-256 of the object's bytes, 64 lowercase hex digits (objects only)
 */
public record S3Input(S3Url url, ContainerPath path, Optional<String> sha256) {

    /** Whether this input fills a directory from a prefix. */
    public boolean isDirectory() {
        return url.isPrefix();
    }

    /** The run directory this input lives in: the file's directory, or the directory itself. */
    public String runDirectory() {
        return isDirectory() ? path.value() : path.parent();
    }
}
