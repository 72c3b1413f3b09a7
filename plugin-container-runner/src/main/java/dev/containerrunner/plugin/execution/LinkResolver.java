package dev.containerrunner.plugin.execution;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Follows a symbolic link the way the kernel would inside the container, one path segment at a
 * time, but only through the places a collect may read: the tree being collected and the run's
 * own directories. Every segment inside those is looked up without following it ({@link Lookup});
 * a link met on the way counts as a hop (at most {@value #MAX_HOPS}); a loop, a dangling link, a
 * path leaving the allowed places (e.g. {@code /etc}, {@code /proc}, {@code /run/secrets}) or more
 * than {@value #MAX_HOPS} hops end the resolution with a reason, never with a guess.
 *
 * @apiNote Not thread-safe; one resolver serves one tree.
 */
public final class LinkResolver {

    /** The most symbolic links followed for one link (the link itself included). */
    public static final int MAX_HOPS = 8;

    /** Looks a path up without following a link in its last segment; empty when nothing is there. */
    @FunctionalInterface
    public interface Lookup {
        /** What is at {@code path}. */
        Optional<TreeEntry> lstat(String path) throws IOException;
    }

    /**
     * Where a link led.
     *
     * @param path    the path it resolved to (when {@code problem} is null)
     * @param entry   what is there (when {@code problem} is null): a regular file, a directory, ...
     * @param problem why it could not be followed, e.g. {@code "points outside ..."}; null when resolved
     */
    public record Resolution(String path, TreeEntry entry, String problem) {
    }

    /** Why a link whose text the source could not read (the engine could not resolve it itself) is not followed. */
    static final String UNRESOLVABLE = "is a loop or a chain of symbolic links the engine cannot resolve";

    private final List<String> roots;
    private final Lookup lookup;

    /** Resolves inside {@code roots} (absolute directories, or the collected path itself) with {@code lookup}. */
    public LinkResolver(List<String> roots, Lookup lookup) {
        this.roots = List.copyOf(roots);
        this.lookup = lookup;
    }

    /**
     * Resolves the link at {@code linkPath} whose text is {@code linkText}.
     *
     * @throws IOException when a lookup fails
     */
    public Resolution resolve(String linkPath, String linkText) throws IOException {
        if (linkText == null) {
            return refused(UNRESOLVABLE);
        }
        Deque<String> todo = new ArrayDeque<>();
        push(todo, linkText);
        String current = linkText.startsWith("/") ? "/" : parent(linkPath);
        int hops = 1;
        Set<String> visited = new HashSet<>(Set.of(linkPath));
        while (!todo.isEmpty()) {
            String segment = todo.pollFirst();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                current = parent(current);
                continue;
            }
            String next = current.equals("/") ? "/" + segment : current + "/" + segment;
            if (!inside(next)) {
                if (ancestorOfARoot(next)) {
                    current = next;
                    continue;
                }
                return refused("leads to " + next + ", outside the collected tree and the run's directories " + roots);
            }
            Optional<TreeEntry> found = lookup.lstat(next);
            if (found.isEmpty()) {
                return refused("leads to " + next + ", which does not exist");
            }
            TreeEntry entry = found.get();
            if (entry.kind() == EntryKind.SYMLINK) {
                if (entry.linkName() == null) {
                    return refused(UNRESOLVABLE + " (at " + next + ")");
                }
                if (++hops > MAX_HOPS) {
                    return refused("needs more than " + MAX_HOPS + " symbolic links to resolve");
                }
                if (!visited.add(next)) {
                    return refused("is a loop of symbolic links (through " + next + ")");
                }
                push(todo, entry.linkName());
                current = entry.linkName().startsWith("/") ? "/" : current;
                continue;
            }
            if (entry.kind() != EntryKind.DIRECTORY) {
                if (todo.stream().anyMatch(s -> !s.isEmpty() && !s.equals("."))) {
                    return refused("leads through " + next + ", which is " + entry.kind().description() + ", not a directory");
                }
                return new Resolution(next, entry, null);
            }
            current = next;
        }
        if (!inside(current)) {
            return refused("leads to " + current + ", outside the collected tree and the run's directories " + roots);
        }
        return new Resolution(current, new TreeEntry(current.substring(current.lastIndexOf('/') + 1), EntryKind.DIRECTORY, 0, null), null);
    }

    private static Resolution refused(String problem) {
        return new Resolution(null, null, problem);
    }

    private static void push(Deque<String> todo, String text) {
        String[] segments = text.split("/", -1);
        for (int i = segments.length - 1; i >= 0; i--) {
            todo.addFirst(segments[i]);
        }
    }

    private boolean inside(String path) {
        return roots.stream().anyMatch(r -> path.equals(r) || path.startsWith(r + "/"));
    }

    private boolean ancestorOfARoot(String path) {
        return roots.stream().anyMatch(r -> r.startsWith(path + "/"));
    }

    /** The directory holding {@code path}; {@code /} for {@code /} and top-level names. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
