package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One object an attempt streamed into its container, as its audit line lists it.
 *
 * @param s3Url     {@code s3://bucket/key} of the object
 * @param path      where the container sees it
 * @param sizeBytes its size
 * @param sha256    the SHA-256 of the bytes delivered, 64 lowercase hex digits
 */
public record DeliveredInput(String s3Url, String path, long sizeBytes, String sha256) {

    /** {@code {s3_url, path, size_bytes, sha256}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s3_url", s3Url);
        m.put("path", path);
        m.put("size_bytes", sizeBytes);
        m.put("sha256", sha256);
        return m;
    }
}
