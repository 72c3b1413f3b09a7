package dev.containerrunner.plugin.execution;

/**
 * One path of a collected tree, as a tar header or a listing describes it, before its content is
 * read.
 *
 * @param name     the path relative to the requested path's parent directory, as the engine's
 *                 archives name entries (e.g. {@code out/sub/a.txt} for {@code /out}); no leading
 *                 {@code ./} or {@code /}, no trailing {@code /}
 * @param kind     what it is
 * @param size     its size in bytes (0 for links, directories and special files)
 * @param linkName the link text of a symbolic link, the target entry's name of a hard link
 *                 (relative to the same directory as {@code name}); null otherwise
 */
public record TreeEntry(String name, EntryKind kind, long size, String linkName) {

    /** {@code name} without a leading {@code ./} or {@code /} and trailing {@code /}. */
    public TreeEntry {
        name = clean(name);
    }

    /** An archive or listing name as {@link #name()} holds it. */
    public static String clean(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        while (n.endsWith("/") && n.length() > 1) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
