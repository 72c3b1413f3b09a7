package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.Admission;
import dev.containerrunner.plugin.execution.CollectGuard;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.CollectedFile;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.OutsideRunDirectoriesException;
import dev.containerrunner.plugin.execution.SingleEntry;
import dev.containerrunner.plugin.execution.TarEntries;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.execution.TreeEntry;
import dev.containerrunner.plugin.execution.UnreadablePathException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A run's files after its main container exited, read in the pod's keeper container (which mounts
 * the run's directories) over the exec API. A path is listed first ({@link PodListing}: type, size,
 * link count of every entry, nothing read), every entry is judged, and only then does {@code tar}
 * read exactly the admitted files (and symbolic links, for their text), in batches, streamed
 * straight into the collector: a file over the budget, a FIFO or a device is never read. Archive
 * names are relative to the path's parent, as on Docker.
 *
 * @apiNote Thread-safe: every call runs its own execs.
 */
final class PodFiles implements CollectSource.RunFiles {

    private static final int BATCH_NAMES = 256;
    /** The largest size hint passed to the keeper's shell (its {@code test} compares 64-bit numbers; this stays far below). */
    private static final long LARGEST_HINT = 1L << 50;
    private static final int BATCH_CHARS = 32 * 1024;
    private static final String TAR = """
            cd -P -- "$1" 2>/dev/null || exit 3
            [ "$(pwd -P)" = "$1" ] || exit 4
            shift
            exec tar cf - --no-recursion "$@"
            """;

    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private final RunDirs dirs;

    /** The files of {@code pod}'s keeper, inside {@code dirs}. */
    PodFiles(KubernetesClient client, String namespace, String pod, RunDirs dirs) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
        this.dirs = dirs;
    }

    /** A container path as the keeper sees it: its parent directory and its name there. */
    private record Place(String path, String parent, String name) {
    }

    private Optional<Place> place(String containerPath) {
        return dirs.helperPath(containerPath).map(helper -> {
            int slash = helper.lastIndexOf('/');
            return new Place(containerPath, helper.substring(0, slash), helper.substring(slash + 1));
        });
    }

    @Override
    public List<String> runDirectories() {
        return dirs.dirs();
    }

    @Override
    public Optional<TreeEntry> stat(String path, CollectGuard guard) throws IOException {
        Optional<Place> place = place(path);
        if (place.isEmpty()) {
            return Optional.empty();
        }
        try (Answer answer = ask(place.get(), -1, "one", guard)) {
            TreeEntry entry = answer.file();
            return Optional.of(entry.kind() == EntryKind.SYMLINK ? answer.withLinkText(entry) : entry);
        } catch (NoSuchContainerException e) {
            return Optional.empty();
        }
    }

    @Override
    public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) throws IOException {
        Place place = place(path).orElseThrow(() -> new OutsideRunDirectoriesException("is not in the run's directories "
                + dirs.dirs() + ": on Kubernetes only output_file's directory and writable_dirs outlive the container"));
        String base = path.substring(0, path.lastIndexOf('/'));
        Answer answer = ask(place, Math.min(admission.sizeHint(), LARGEST_HINT), "tree", guard);
        try {
            if (!answer.isTree()) {
                return answer.single(admission);
            }
            List<ListedEntries.Judged> judged = new ArrayList<>();
            Map<Long, String> firstByInode = new HashMap<>();
            answer.tree(listed -> {
                TreeEntry entry = entryOf(listed, firstByInode);
                Admission.Verdict verdict = admission.judge(entry);
                judged.add(new ListedEntries.Judged(listed.name(), entry, verdict));
                return verdict.action() != Admission.Verdict.Action.STOP;
            });
            answer.close();
            return new ListedEntries(base, judged, names -> tar(place.parent(), names, guard), guard);
        } catch (IOException | RuntimeException e) {
            answer.close();
            throw e;
        }
    }

    /** A listed path as an entry; a regular file already listed under another name is a hard link to it, as in tar. */
    static TreeEntry entryOf(PodListing.Listed listed, Map<Long, String> firstByInode) {
        String name = TreeEntry.clean(listed.name());
        if (listed.kind() == EntryKind.REGULAR && listed.links() > 1) {
            String first = firstByInode.putIfAbsent(listed.inode(), name);
            if (first != null) {
                return new TreeEntry(name, EntryKind.HARDLINK, 0, first);
            }
        }
        return new TreeEntry(name, listed.kind(), listed.kind() == EntryKind.REGULAR ? listed.size() : 0, null);
    }

    /** Runs the keeper's {@link PodListing#SCRIPT} for {@code place}; its first line says what follows. */
    private Answer ask(Place place, long limit, String mode, CollectGuard guard) throws IOException {
        PodExec exec = PodExec.start(client, namespace, pod, guard, "sh", "-c", PodListing.SCRIPT, "sh", place.parent(),
                place.name(), String.valueOf(limit), mode);
        try {
            BufferedInputStream in = new BufferedInputStream(exec.output(true), 1 << 16);
            String kind;
            try {
                kind = PodListing.line(in, true);
            } catch (IOException e) {
                throw failure(place, exec, e, guard);
            }
            if (!"TREE".equals(kind) && !"FILE".equals(kind)) {
                throw failure(place, exec, new IOException("the keeper answered " + kind), guard);
            }
            return new Answer(place, exec, in, "TREE".equals(kind), guard);
        } catch (IOException | RuntimeException e) {
            exec.close();
            throw e;
        }
    }

    /**
     * Why the keeper's command ended early: fabric8 ends the output of a command that exited
     * non-zero with an exception, and the exit code says why.
     */
    private IOException failure(Place place, PodExec exec, IOException e, CollectGuard guard) throws IOException {
        if (guard.aborted()) {
            throw guard.explain(e);
        }
        int code = exec.exitCodeNow();
        switch (code) {
            case PodListing.PARENT_MISSING, PodListing.MISSING -> throw new NoSuchContainerException("archive",
                    place.path() + " does not exist", e);
            case PodListing.BELOW_A_LINK -> throw new UnreadablePathException(CollectedFile.Reason.NOT_A_REGULAR_FILE,
                    "is below a symbolic link: on Kubernetes a directory on the way that is a symbolic link is not"
                            + " followed (collect the path it points to)");
            default -> {
                return new IOException("reading " + place.path() + " in pod " + pod + " failed" + (code == 0 ? "" : " (exit "
                        + code + ")") + ": " + e.getMessage() + (exec.errors().isEmpty() ? "" : "; " + exec.errors()), e);
            }
        }
    }

    /** The keeper's answer about one path: a directory's listing, or the path's own record and perhaps its tar. */
    private final class Answer implements AutoCloseable {
        private final Place place;
        private final PodExec exec;
        private final BufferedInputStream in;
        private final boolean tree;
        private final CollectGuard guard;

        Answer(Place place, PodExec exec, BufferedInputStream in, boolean tree, CollectGuard guard) {
            this.place = place;
            this.exec = exec;
            this.in = in;
            this.tree = tree;
            this.guard = guard;
        }

        boolean isTree() {
            return tree;
        }

        /** Hands each listed path to {@code each} until it returns false; then checks the listing was whole. */
        void tree(Predicate<PodListing.Listed> each) throws IOException {
            boolean[] complete = {true};
            try {
                PodListing.read(in, listed -> {
                    guard.check();
                    complete[0] = each.test(listed);
                    return complete[0];
                });
            } catch (IOException e) {
                throw failure(place, exec, e, guard);
            }
            if (complete[0] && !exec.errors().isEmpty()) {
                throw new IOException("the pod's keeper could not list all of " + place.path() + ": " + exec.errors());
            }
        }

        /** The path's own record (not a directory being walked). */
        TreeEntry file() throws IOException {
            try {
                return entryOf(PodListing.readOne(in), new HashMap<>());
            } catch (IOException e) {
                throw failure(place, exec, e, guard);
            }
        }

        /** The tar that follows the record, positioned at its first header; null when the keeper sent none. */
        private TarArchiveInputStream tarOrNull() throws IOException {
            String next;
            try {
                next = PodListing.line(in, false);
            } catch (IOException e) {
                throw failure(place, exec, e, guard);
            }
            return "TAR".equals(next) ? TarArchives.reader(in) : null;
        }

        /** {@code link} with its text, from the tar the keeper sent of it. */
        TreeEntry withLinkText(TreeEntry link) throws IOException {
            TarArchiveInputStream tar = tarOrNull();
            TarArchiveEntry header = tar == null ? null : tar.getNextEntry();
            if (header == null || !header.isSymbolicLink()) {
                throw new IOException("the keeper could not read the symbolic link " + place.path() + ": " + exec.errors());
            }
            return new TreeEntry(link.name(), EntryKind.SYMLINK, 0, header.getLinkName());
        }

        /** The one entry of a path that is not a directory being walked, read in this same exec when it fits. */
        CollectSource.Entries single(Admission admission) throws IOException {
            TreeEntry entry = file();
            if (entry.kind() == EntryKind.SYMLINK) {
                entry = withLinkText(entry);
            }
            Admission.Verdict verdict = admission.judge(entry);
            if (!verdict.wantsContent()) {
                close();
                return new SingleEntry(new CollectSource.Delivery(entry, verdict, null), null);
            }
            TarArchiveInputStream tar = tarOrNull();
            TarArchiveEntry header = tar == null ? null : tar.getNextEntry();
            if (header == null || !header.isFile() || header.isLink() || header.getSize() != entry.size()) {
                close();
                return new SingleEntry(new CollectSource.Delivery(entry, Admission.Verdict.reject(CollectedFile.Failed.of(
                        place.path(), CollectedFile.Reason.READ_FAILED, "could not be read in the pod: " + (header == null
                                ? "the keeper did not send it (" + exec.errors() + ")" : "it changed since it was listed"))),
                        null), null);
            }
            return new SingleEntry(new CollectSource.Delivery(entry, verdict, TarEntries.content(tar, guard)), this::close);
        }

        @Override
        public void close() {
            exec.close();
        }
    }

    /** {@code tar} of {@code names} (as listed, e.g. {@code ./out/a}) in {@code parent}, without recursion. */
    private PodExec tar(String parent, List<String> names, CollectGuard guard) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", TAR, "sh", parent));
        command.addAll(names);
        return PodExec.start(client, namespace, pod, guard, command.toArray(String[]::new));
    }

    /** How many names go into one {@code tar}: at most {@value #BATCH_NAMES}, and at most {@value #BATCH_CHARS} characters. */
    static int batchSize(List<String> names, int from) {
        int chars = 0;
        int n = 0;
        while (from + n < names.size() && n < BATCH_NAMES && (n == 0 || chars + names.get(from + n).length() <= BATCH_CHARS)) {
            chars += names.get(from + n).length();
            n++;
        }
        return n;
    }

    /** Opens a keeper {@code tar} of some listed names. */
    @FunctionalInterface
    interface TarOpener {
        PodExec open(List<String> names) throws IOException;
    }
}
