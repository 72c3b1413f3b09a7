package dev.containerrunner.plugin.model;

import java.nio.charset.StandardCharsets;

/**
 * An object or a prefix in S3, written {@code s3://bucket/key}; a key ending in {@code /} names a
 * prefix ({@link #isPrefix()}). Parsed strictly, the one place such URLs are read ({@code inputs},
 * {@code s3.input_prefixes}), so that comparing two of them is comparing strings: the bucket is a
 * valid bucket name; the key is not empty, at most 1024 bytes, holds no empty, {@code .} or
 * {@code ..} segment, no {@code %} (nothing is URL-decoded: {@code %2e%2e} is refused, not read as
 * {@code ..}), no backslash, no control character, no query or fragment ({@code ?}, {@code #}).
 *
 * @param bucket the bucket
 * @param key    the key (a prefix ends with {@code /})
 */
public record S3Url(String bucket, String key) {

    private static final String SCHEME = "s3://";
    private static final int MAX_KEY_BYTES = 1024;

    public S3Url {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") || bucket.contains("..")) {
            throw new IllegalArgumentException("'" + bucket + "' is not a valid S3 bucket name (3 to 63 of a-z 0-9 . -)");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("has no key: write s3://" + bucket + "/KEY (a key ending in '/' is a prefix)");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("has a key longer than " + MAX_KEY_BYTES + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new IllegalArgumentException("has a control character in its key");
            }
            if (c == '%' || c == '\\' || c == '?' || c == '#') {
                throw new IllegalArgumentException("has '" + c + "' in its key; keys are taken as written, never URL-decoded:"
                        + " letters, digits and !-_.*'()/ are safe (no %, \\, ?, #)");
            }
        }
        String body = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("has an empty, '.' or '..' segment in its key ('" + key + "'): write"
                        + " the key in its plain form (no leading '/', no '//', './' or '../')");
            }
        }
    }

    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static S3Url parse(String url) {
        if (url == null || !url.startsWith(SCHEME)) {
            throw new IllegalArgumentException("'" + url + "' is not an S3 URL: write s3://bucket/key (or s3://bucket/prefix/)");
        }
        String rest = url.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + url + "' has no key: write s3://bucket/key (or s3://bucket/prefix/)");
        }
        try {
            return new S3Url(rest.substring(0, slash), rest.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' " + e.getMessage(), e);
        }
    }

    /** Whether this names a prefix (its key ends with {@code /}): every object under it. */
    public boolean isPrefix() {
        return key.endsWith("/");
    }

    /**
     * Whether this URL (an object or a prefix) lies under {@code prefix}: the same bucket, and a key
     * that starts with the prefix's key, which ends with {@code /} (so {@code s3://b/pre} is not
     * under {@code s3://b/prefix/}, nor {@code s3://b/prefix-other/x}).
     */
    public boolean isUnder(S3Url prefix) {
        return prefix.isPrefix() && bucket.equals(prefix.bucket) && key.startsWith(prefix.key);
    }

    /** The URL of the object {@code key} in this URL's bucket. */
    public S3Url sibling(String key) {
        return new S3Url(bucket, key);
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
