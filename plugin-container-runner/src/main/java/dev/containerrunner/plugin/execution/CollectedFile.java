package dev.containerrunner.plugin.execution;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One file collect_output read: returned inline, uploaded to the object store, or the reason it
 * could not be collected. {@link #toMap()} is its entry in the result's {@code files} list.
 */
public sealed interface CollectedFile permits CollectedFile.Inline, CollectedFile.Uploaded, CollectedFile.Failed {

    /** The file's absolute path in the container. */
    String path();

    /** Whether the file was collected (inline or uploaded). */
    default boolean ok() {
        return true;
    }

    /** What the task log says after {@code "collected "}, e.g. {@code /out/a.txt (11 bytes)}. */
    String summary();

    /** The result entry, keys in their public order. */
    Map<String, Object> toMap();

    /**
     * A file returned in the result.
     *
     * @param sizeBytes its size in bytes
     * @param content   its bytes as text or base64
     * @param redacted  whether a secret's value was replaced with {@value Redactor#MARK} in the content
     *                  (then {@code redacted: true} is in its entry)
     */
    record Inline(String path, long sizeBytes, Encoded content, boolean redacted) implements CollectedFile {

        /** A file returned exactly. */
        public Inline(String path, long sizeBytes, Encoded content) {
            this(path, sizeBytes, content, false);
        }

        @Override
        public String summary() {
            return path + " (" + sizeBytes + " bytes)";
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("size_bytes", sizeBytes);
            m.put("content", content.text());
            m.put("encoding", content.encoding());
            if (redacted) {
                m.put("redacted", true);
            }
            return m;
        }
    }

    /**
     * A file stored in the object store.
     *
     * @param sizeBytes the bytes stored
     * @param s3Url     {@code s3://bucket/key}
     * @param sha256    hex SHA-256 of the bytes stored
     */
    record Uploaded(String path, long sizeBytes, String s3Url, String sha256) implements CollectedFile {

        @Override
        public String summary() {
            return path + " (" + sizeBytes + " bytes -> " + s3Url + ")";
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("size_bytes", sizeBytes);
            m.put("s3_url", s3Url);
            m.put("sha256", sha256);
            return m;
        }
    }

    /**
     * Why a path could not be collected: each is the {@link FailureReason} of the same name, which
     * the entry carries as {@code failure_reason} (with {@code retryable}).
     */
    enum Reason {
        NOT_FOUND, TOO_LARGE, NOT_A_REGULAR_FILE, BUDGET_EXCEEDED, CANCELLED, UPLOAD_FAILED, UNSAFE_NAME, READ_FAILED,
        /** A binary file holding a secret's value: not returned. */
        CONTAINS_SECRET;

        private final FailureReason failureReason = FailureReason.valueOf(name());

        /** The reason's word, e.g. {@code not_a_regular_file}. */
        public String wireName() {
            return failureReason.wireName();
        }

        /** The failure reason of the same name. */
        public FailureReason failureReason() {
            return failureReason;
        }
    }

    /**
     * A path that could not be collected. Its entry is {@code {path, size_bytes (when known), error,
     * failure_reason, retryable}}.
     *
     * @param reason    why, as a word
     * @param sizeBytes its size when known (a file too large, or over the budget), else null
     * @param error     the whole message, starting with the path
     */
    record Failed(String path, Reason reason, Long sizeBytes, String error) implements CollectedFile {

        /** The failure of {@code path} for a reason not told apart ({@code READ_FAILED}). */
        public static Failed of(String path, String problem) {
            return of(path, Reason.READ_FAILED, problem);
        }

        /** The failure of {@code path}, e.g. {@code of("/x", NOT_FOUND, "does not exist in the container")}. */
        public static Failed of(String path, Reason reason, String problem) {
            return new Failed(path, reason, null, path + " " + problem);
        }

        /** The failure of a file of known size. */
        public static Failed of(String path, Reason reason, long sizeBytes, String problem) {
            return new Failed(path, reason, sizeBytes, path + " " + problem);
        }

        /** The same failure reported for another path (a link whose target could not be read). */
        public Failed as(String otherPath, String via) {
            return new Failed(otherPath, reason, sizeBytes, otherPath + " (" + via + "): " + error);
        }

        @Override
        public boolean ok() {
            return false;
        }

        @Override
        public String summary() {
            return NameBytes.display(path + ": " + error);
        }

        /**
         * The entry; for a name that is not valid UTF-8 {@code path} (and {@code error}) show each
         * invalid byte as U+FFFD and {@code path_base64} holds the name's exact bytes.
         */
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", NameBytes.display(path));
            if (NameBytes.hasInvalidBytes(path)) {
                m.put("path_base64", NameBytes.base64(path));
            }
            if (sizeBytes != null) {
                m.put("size_bytes", sizeBytes);
            }
            m.put("error", NameBytes.display(error));
            m.put(FailureReason.RESULT_KEY, reason.wireName());
            m.put(FailureReason.RETRYABLE_KEY, reason.failureReason().retryable());
            return m;
        }
    }
}
