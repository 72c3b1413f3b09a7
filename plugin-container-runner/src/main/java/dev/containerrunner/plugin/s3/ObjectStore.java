package dev.containerrunner.plugin.s3;

import java.io.InputStream;

/** Where collected files go. The S3 implementation is {@link S3ObjectStore}. */
public interface ObjectStore extends AutoCloseable {

    /** Stores exactly {@code size} bytes read from {@code content} under {@code key}. */
    Stored put(String key, InputStream content, long size);

    @Override
    void close();

    /**
     * @param url    {@code s3://bucket/key}
     * @param sha256 hex SHA-256 of the bytes stored
     */
    record Stored(String url, long sizeBytes, String sha256) {
    }
}
