package dev.containerrunner.plugin.model;

import java.util.List;

/**
 * An absolute path inside a container, e.g. {@code /input/script.py}: no {@code ..} or {@code .}
 * segments, no empty segments, no control characters, not {@code /} itself, and not under
 * {@code /proc}, {@code /sys} or {@code /dev}.
 *
 * <p>Normalised here, the one place paths are parsed: a trailing {@code /} is dropped ({@code /out/}
 * is {@code /out}), so equal directories compare equal. A path that must name a file is read with
 * {@link #file}, which refuses a trailing {@code /}.
 */
public record ContainerPath(String value) {

    private static final List<String> FORBIDDEN_ROOTS = List.of("/proc", "/sys", "/dev");

    public ContainerPath {
        if (value == null || !value.startsWith("/")) {
            throw new IllegalArgumentException("'" + value + "' is not an absolute path (it must start with '/')");
        }
        if (value.equals("/")) {
            throw new IllegalArgumentException("'/' is not a file path");
        }
        if (value.length() > 1024 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("'" + value + "' holds control characters or is longer than 1024");
        }
        String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        for (String segment : trimmed.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("'" + value + "' must not contain empty, '.' or '..' segments");
            }
        }
        for (String root : FORBIDDEN_ROOTS) {
            if (trimmed.equals(root) || trimmed.startsWith(root + "/")) {
                throw new IllegalArgumentException("'" + value + "' is under " + root + ", which is not allowed");
            }
        }
        value = trimmed;
    }

    /**
     * A path that names a file ({@code input_file.path}, {@code output_file}): as the constructor,
     * and a trailing {@code /} (which names a directory) is refused.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static ContainerPath file(String value) {
        if (value != null && value.length() > 1 && value.endsWith("/")) {
            throw new IllegalArgumentException("'" + value + "' ends with '/', which names a directory; a file path names"
                    + " a file (e.g. '" + value.substring(0, value.length() - 1) + "')");
        }
        return new ContainerPath(value);
    }

    /** The directory holding this path, e.g. {@code /input}; {@code /} for a top-level name. */
    public String parent() {
        int slash = value.lastIndexOf('/');
        return slash == 0 ? "/" : value.substring(0, slash);
    }

    /** The last segment, e.g. {@code script.py}. */
    public String fileName() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
