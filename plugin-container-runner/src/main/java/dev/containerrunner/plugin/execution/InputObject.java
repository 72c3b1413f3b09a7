package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.S3Url;
import java.util.Optional;

/**
 * One object of a run's {@code inputs}, resolved before anything is created: a single object, or
 * one of the objects under a prefix.
 *
 * @param url          the object
 * @param path         the file it becomes in the container
 * @param runDirectory the run directory (volume) the file lives in; {@code path} is below it
 * @param size         its size in bytes, as the store reported it (the tar entry's size)
 * @param sha256       the SHA-256 the request expects, when it gave one
 * @param etag         the object's ETag when it was resolved (the read is refused when it changed); may be null
 */
public record InputObject(S3Url url, ContainerPath path, String runDirectory, long size, Optional<String> sha256, String etag) {

    /** The path below {@link #runDirectory()}, e.g. {@code set/a.txt}. */
    public String relativePath() {
        return path.value().substring(runDirectory.length() + 1);
    }
}
