package dev.containerrunner.plugin.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed, normalised image reference, following the grammar of the distribution reference
 * ({@code [domain/]path[:tag][@digest]}).
 *
 * <p>Normalisation makes equal what the engine treats as equal: the default registry is
 * {@code docker.io} ({@code index.docker.io} and {@code registry-1.docker.io} are the same, in any
 * case), single-name Docker Hub images live under {@code library/}, and a missing tag means
 * {@code latest} unless a digest pins the image ({@code repo@sha256:…} has no tag, it is not
 * {@code repo:latest}). Nothing else is an alias: {@code localhost} and {@code 127.0.0.1} are
 * different registries, and so are different ports. Upper case in repository names, whitespace,
 * {@code ..}, empty components, trailing dots, a port out of 1..65535 or with leading zeros, and
 * digests other than lower-case {@code sha256:<64 hex>}/{@code sha512:<128 hex>} are rejected.
 *
 * <p>A reference with both a tag and a digest runs the digest: the engine ignores the tag. The
 * backends hand the engine {@link #canonical()}, the form the policy judged.
 */
public record ImageReference(String domain, String path, String tag, String digest) {

    public static final String DEFAULT_DOMAIN = "docker.io";
    /** The engine's longest repository name, registry included. */
    static final int NAME_MAX = 255;
    static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

    /** Parses and normalises {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        if (text.length() > 512 || !text.equals(text.strip()) || text.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new IllegalArgumentException("image reference '" + text + "' holds whitespace or non-ASCII characters");
        }
        Parts p = Parts.split(text);
        if (p.domain != null && !DOMAIN.matcher(p.domain).matches()) {
            throw new IllegalArgumentException("image reference '" + text + "': registry '" + p.domain + "' is malformed");
        }
        if (p.domain != null && p.domain.contains(":")) {
            String port = p.domain.substring(p.domain.indexOf(':') + 1);
            if (port.startsWith("0") || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("image reference '" + text + "': registry port '" + port
                        + "' must be a number from 1 to 65535 without leading zeros");
            }
        }
        if (!PATH.matcher(p.path).matches()) {
            throw new IllegalArgumentException("image reference '" + text + "': repository '" + p.path
                    + "' must be lower-case components [a-z0-9] joined by '/', with '.', '_', '__' or '-' inside");
        }
        if (p.tag != null && !TAG.matcher(p.tag).matches()) {
            throw new IllegalArgumentException("image reference '" + text + "': tag '" + p.tag + "' is malformed");
        }
        if (p.digest != null && !DIGEST.matcher(p.digest).matches()) {
            throw new IllegalArgumentException("image reference '" + text + "': digest '" + p.digest
                    + "' must be sha256:<64 hex> or sha512:<128 hex>");
        }
        String domain = normaliseDomain(p.domain);
        String path = domain.equals(DEFAULT_DOMAIN) && !p.path.contains("/") ? "library/" + p.path : p.path;
        String tag = p.tag == null && p.digest == null ? "latest" : p.tag;
        if (domain.length() + 1 + path.length() > NAME_MAX) {
            throw new IllegalArgumentException("image reference '" + text + "': the name is longer than " + NAME_MAX
                    + " characters");
        }
        return new ImageReference(domain, path, tag, p.digest);
    }

    static String normaliseDomain(String domain) {
        String lower = domain == null ? DEFAULT_DOMAIN : domain.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("index.docker.io") || lower.equals("registry-1.docker.io") ? DEFAULT_DOMAIN : lower;
    }

    /**
     * This reference judged by its tag alone, when it carries both a tag and a digest (the engine
     * runs the digest): for explaining a denial, never for admitting.
     */
    public Optional<ImageReference> tagAlone() {
        return tag != null && digest != null ? Optional.of(new ImageReference(domain, path, tag, null))
                : Optional.empty();
    }

    /** {@code domain/path}, e.g. {@code docker.io/library/python}. */
    public String repository() {
        return domain + "/" + path;
    }

    /** The full normalised form, e.g. {@code docker.io/library/python:3.11-slim}. */
    public String canonical() {
        return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    @Override
    public String toString() {
        return canonical();
    }

    /**
     * The raw pieces of a reference before validation: {@code [domain/]path[:tag][@digest]}, the first
     * component being a registry when it holds a '.' or ':' or is {@code localhost}. Shared with
     * allowlist patterns.
     */
    public record Parts(String domain, String path, String tag, String digest) {

        public static Parts split(String text) {
            String rest = text;
            String digest = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String tag = null;
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            String domain = null;
            int slash = rest.indexOf('/');
            if (slash > 0) {
                String first = rest.substring(0, slash);
                if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                    domain = first;
                    rest = rest.substring(slash + 1);
                }
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("image reference '" + text + "' has no repository name");
            }
            return new Parts(domain, rest, tag, digest);
        }
    }
}
