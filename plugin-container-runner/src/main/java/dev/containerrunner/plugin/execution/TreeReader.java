package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.execution.Admission.Verdict;
import dev.containerrunner.plugin.execution.CollectedFile.Failed;
import dev.containerrunner.plugin.execution.CollectedFile.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one requested path of a run (a file, a link or a whole directory) into collected files,
 * entry by entry, within the action's {@link CollectBudget} and {@link CollectGuard}. The rule for
 * each entry type:
 * <ul>
 *   <li>a regular file is read (inline or uploaded) when the budget admits it, else reported with its size;</li>
 *   <li>a hard link is the bytes of its target (an earlier regular file of the same tree), read again by its path;</li>
 *   <li>a symbolic link is followed ({@link LinkResolver}) when it resolves, within at most
 *       {@value LinkResolver#MAX_HOPS} links and without loops, to a regular file inside the
 *       requested path or the run's own directories; otherwise it is reported as
 *       {@code not_a_regular_file}, saying where it points;</li>
 *   <li>FIFOs, devices, sockets and other special files are reported, never read (a read could block
 *       or return bytes that are not a file's);</li>
 *   <li>directories are walked.</li>
 * </ul>
 * Nothing comes back as an empty file unless the file is empty.
 *
 * @apiNote Not thread-safe: one action reads on one thread.
 */
public final class TreeReader {

    /** Where a file's content goes: into the result, or the object store. */
    @FunctionalInterface
    public interface Sink {
        /** Takes exactly {@code size} bytes of {@code content} for {@code path}. */
        CollectedFile take(String path, long size, InputStream content) throws IOException;
    }

    private final CollectSource.RunFiles files;
    private final CollectBudget budget;
    private final CollectGuard guard;
    private final Sink sink;
    private CollectAbortedException stopped;

    /** Reads from {@code files} within {@code budget} and {@code guard}, handing contents to {@code sink}. */
    public TreeReader(CollectSource.RunFiles files, CollectBudget budget, CollectGuard guard, Sink sink) {
        this.files = files;
        this.budget = budget;
        this.guard = guard;
        this.sink = sink;
    }

    private record Link(int index, String path, TreeEntry entry) {
    }

    /**
     * Why the action stopped (cancelled, out of time) while reading, or null: the files read
     * before are still returned, and each path not read carries an entry saying so.
     */
    public CollectAbortedException stopped() {
        return stopped;
    }

    /**
     * The files of {@code requested}, a directory's in archive order (links in their place). When
     * the action is cancelled or runs out of time meanwhile ({@link #stopped()}), the files read so
     * far and an entry for what was not read.
     *
     * @throws NoSuchContainerException when {@code requested} does not exist
     * @throws IOException              when the engine or cluster failed
     */
    public List<CollectedFile> read(String requested) throws IOException {
        List<CollectedFile> out = new ArrayList<>();
        if (budget.entriesSpent()) {
            out.add(budget.entriesSpentFor(requested, "was not read"));
            return out;
        }
        String parent = LinkResolver.parent(requested);
        String base = parent.equals("/") ? "" : parent;
        Map<String, TreeEntry> tree = new HashMap<>();
        List<Link> links = new ArrayList<>();
        try {
            CollectSource.Entries opened;
            try {
                opened = files.entries(requested, budget.admission(e -> base + "/" + e.name(), false), guard);
            } catch (UnreadablePathException e) {
                out.add(e.entryFor(requested));
                return out;
            }
            readAll(opened, requested, base, tree, links, out);
        } catch (CollectAbortedException e) {
            TreeEntry top = tree.get(requested);
            if (e.wholeAction()) {
                stopped = e;
                out.add(Failed.of(requested, e.reason(), "was not read to its end: " + e.getMessage()));
            } else if (top == null || top.kind() == EntryKind.DIRECTORY) {
                out.add(Failed.of(requested, Reason.BUDGET_EXCEEDED, "was not read to its end: this action " + e.getMessage()
                        + "; entries after the last one listed were not read (collect them by path)"));
            } // else: a single file, already reported; only the archive's end was not read
        }
        Map<String, Optional<TreeEntry>> looked = new HashMap<>();
        LinkResolver resolver = new LinkResolver(roots(requested), p -> tree.containsKey(p) ? Optional.of(asFile(tree.get(p)))
                : lookup(looked, p));
        for (Link link : links) {
            if (stopped == null) {
                try {
                    out.set(link.index(), resolve(link, base, tree, resolver));
                    continue;
                } catch (CollectAbortedException e) {
                    stopped = e;
                }
            }
            out.set(link.index(), Failed.of(link.path(), stopped.reason(), "was not read: " + stopped.getMessage()));
        }
        if (out.isEmpty()) {
            out.add(Failed.of(requested, Reason.NOT_A_REGULAR_FILE, "is a directory without regular files"));
        }
        return out;
    }

    /** Reads every entry of {@code opened} (closed here) into {@code out}, links as placeholders in {@code links}. */
    private void readAll(CollectSource.Entries opened, String requested, String base, Map<String, TreeEntry> tree,
                         List<Link> links, List<CollectedFile> out) throws IOException {
        try (CollectSource.Entries entries = opened) {
            for (CollectSource.Delivery d; (d = entries.next()) != null; ) {
                String path = base + "/" + d.entry().name();
                Verdict verdict = d.verdict();
                String unsafe = verdict.action() == Verdict.Action.STOP ? null : unsafeName(path, requested);
                if (unsafe != null) {
                    budget.refund(verdict);
                    out.add(Failed.of(path, Reason.UNSAFE_NAME, unsafe));
                    continue;
                }
                tree.put(path, d.entry());
                switch (verdict.action()) {
                    case DELIVER -> out.add(take(path, d.entry().size(), d.content()));
                    case DEFER -> {
                        links.add(new Link(out.size(), path, d.entry()));
                        out.add(null);
                    }
                    case REJECT, STOP -> out.add(verdict.failure());
                    case WALK -> { }
                }
            }
        }
    }

    /** {@link Sink#take}; a failure caused by the action's abort (a stream closed under it) is reported as that abort. */
    private CollectedFile take(String path, long size, InputStream content) throws IOException {
        try {
            return sink.take(path, size, content);
        } catch (IOException e) {
            throw guard.explain(e);
        } catch (CollectAbortedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (guard.aborted()) {
                guard.check();
            }
            throw e;
        }
    }

    /** A hard link is a regular file under another name (which name an archive lists first is the engine's choice). */
    private static TreeEntry asFile(TreeEntry entry) {
        return entry.kind() == EntryKind.HARDLINK ? new TreeEntry(entry.name(), EntryKind.REGULAR, 0, null) : entry;
    }

    private Optional<TreeEntry> lookup(Map<String, Optional<TreeEntry>> looked, String path) throws IOException {
        Optional<TreeEntry> known = looked.get(path);
        if (known == null) {
            guard.check();
            known = files.stat(path, guard);
            looked.put(path, known);
        }
        return known;
    }

    private List<String> roots(String requested) {
        java.util.Set<String> roots = new java.util.LinkedHashSet<>();
        roots.add(requested);
        roots.addAll(files.runDirectories());
        return List.copyOf(roots);
    }

    /** Why {@code path} (from the engine's archive) cannot be reported as is, or null when it can. */
    static String unsafeName(String path, String requested) {
        if (!path.equals(requested) && !path.startsWith(requested + "/")) {
            return "is not inside " + requested + " (the archive named an entry outside it)";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "has an empty, '.' or '..' segment in the archive";
            }
        }
        if (NameBytes.hasInvalidBytes(path)) {
            return "has a file name that is not valid UTF-8 (its exact bytes are in path_base64): not collected";
        }
        if (path.indexOf('\ufffd') >= 0) {
            return "has a file name with U+FFFD, which cannot be told apart from a byte that was not valid UTF-8 where the"
                    + " archive's exact names are not known: not collected";
        }
        return null;
    }

    private CollectedFile resolve(Link link, String base, Map<String, TreeEntry> tree, LinkResolver resolver)
            throws IOException {
        guard.check();
        String text = link.entry().linkName();
        if (link.entry().kind() == EntryKind.HARDLINK) {
            String target = base + "/" + text;
            TreeEntry t = tree.get(target);
            if (t == null || t.kind() != EntryKind.REGULAR) {
                return Failed.of(link.path(), Reason.NOT_A_REGULAR_FILE, "is a hard link to " + target
                        + ", which is not a regular file of the collected tree: not collected");
            }
            return fetch(target, link.path(), "a hard link to " + target);
        }
        LinkResolver.Resolution r = resolver.resolve(link.path(), text);
        if (r.problem() != null) {
            return Failed.of(link.path(), Reason.NOT_A_REGULAR_FILE, "is a symbolic link" + to(text) + " that " + r.problem()
                    + ": not followed");
        }
        if (r.entry().kind() != EntryKind.REGULAR) {
            return Failed.of(link.path(), Reason.NOT_A_REGULAR_FILE, "is a symbolic link" + to(text) + " (" + r.path()
                    + "), which is " + r.entry().kind().description() + ": not followed"
                    + (r.entry().kind() == EntryKind.DIRECTORY ? " (collect " + r.path() + " itself)" : ""));
        }
        return fetch(r.path(), link.path(), "a symbolic link to " + r.path());
    }

    private static String to(String linkText) {
        return linkText == null ? "" : " to " + linkText;
    }

    /** The regular file {@code real}, read again through the source and reported as {@code as}. */
    private CollectedFile fetch(String real, String as, String via) throws IOException {
        try (CollectSource.Entries entries = files.entries(real, budget.admission(e -> as, true), guard)) {
            CollectSource.Delivery d = entries.next();
            if (d == null) {
                return Failed.of(as, Reason.NOT_FOUND, "is " + via + ", which the engine returned nothing for");
            }
            if (d.entry().kind() != EntryKind.REGULAR) {
                budget.refund(d.verdict());
                return Failed.of(as, Reason.NOT_A_REGULAR_FILE, "is " + via + ", which is " + d.entry().kind().description()
                        + ": not collected");
            }
            if (d.verdict().wantsContent()) {
                return take(as, d.entry().size(), d.content());
            }
            Failed f = d.verdict().failure();
            return new Failed(as, f.reason(), f.sizeBytes(), as + " (" + via + ") " + f.error().substring(as.length() + 1));
        } catch (NoSuchContainerException e) {
            return Failed.of(as, Reason.NOT_FOUND, "is " + via + ", which does not exist");
        } catch (UnreadablePathException e) {
            Failed f = e.entryFor(real);
            return new Failed(as, f.reason(), null, as + " (" + via + "): " + f.error());
        }
    }
}
