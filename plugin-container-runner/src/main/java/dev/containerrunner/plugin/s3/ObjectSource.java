package dev.containerrunner.plugin.s3;

import dev.containerrunner.plugin.model.S3Url;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code inputs} are read from: objects by URL, in any bucket the store's credentials reach.
 * The S3 implementation is {@link S3ObjectStore}. Failures throw {@link ObjectStoreException}
 * ({@link ObjectMissingException} for an object that is not there).
 *
 * @apiNote Implementations are thread-safe.
 */
public interface ObjectSource {

    /** The size and ETag of the object {@code url}; empty when it does not exist. */
    Optional<Listed> head(S3Url url);

    /**
     * The objects under {@code prefix} in key order, at most {@code limit + 1} of them (so that a
     * caller can tell there were more than {@code limit}).
     */
    List<Listed> list(S3Url prefix, int limit);

    /**
     * The bytes of {@code url}, streamed: the caller reads and closes. With an {@code etag}, the read
     * is refused when the object has changed since it was listed. Closing the stream before its end
     * (a cancel, a deadline, a failed check) must return promptly: it abandons the read, it never
     * reads the rest of the object.
     */
    InputStream open(S3Url url, Optional<String> etag);

    /** An object: its key, size in bytes and ETag (null when the store gave none). */
    record Listed(String key, long size, String etag) {
    }
}
