package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.Admission;
import dev.containerrunner.plugin.execution.CollectGuard;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.CollectedFile;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
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
        List<PodListing.Listed> found = new ArrayList<>();
        try {
            list(place.get(), "one", guard, found::add);
        } catch (NoSuchContainerException e) {
            return Optional.empty();
        }
        if (found.size() != 1) {
            throw new IOException("the keeper listed " + found.size() + " entries for " + path);
        }
        PodListing.Listed l = found.get(0);
        String name = place.get().name();
        if (l.kind() == EntryKind.SYMLINK) {
            try (PodExec tar = tar(place.get().parent(), List.of(l.name()), guard);
                 TarArchiveInputStream in = TarArchives.reader(tar.output(true))) {
                TarArchiveEntry header = in.getNextEntry();
                if (header == null || !header.isSymbolicLink()) {
                    throw new IOException("the keeper could not read the symbolic link " + path + ": " + tar.errors());
                }
                return Optional.of(new TreeEntry(name, EntryKind.SYMLINK, 0, header.getLinkName()));
            } catch (IOException e) {
                throw guard.explain(e);
            }
        }
        return Optional.of(new TreeEntry(name, l.kind(), l.kind() == EntryKind.REGULAR ? l.size() : 0, null));
    }

    @Override
    public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) throws IOException {
        Place place = place(path).orElseThrow(() -> new NoSuchContainerException("archive", path + " is not inside the run's"
                + " directories " + dirs.dirs() + " (on Kubernetes only output_file's directory and writable_dirs outlive"
                + " the container)", null));
        List<ListedEntries.Judged> judged = new ArrayList<>();
        Map<Long, String> firstByInode = new HashMap<>();
        list(place, "tree", guard, listed -> {
            TreeEntry entry = entryOf(listed, firstByInode);
            Admission.Verdict verdict = admission.judge(entry);
            judged.add(new ListedEntries.Judged(listed.name(), entry, verdict));
            return verdict.action() != Admission.Verdict.Action.STOP;
        });
        String parent = path.substring(0, path.lastIndexOf('/'));
        return new ListedEntries(parent, judged, names -> tar(place.parent(), names, guard), guard);
    }

    /** A listed path as an entry; a regular file already listed under another name is a hard link to it, as in tar. */
    private static TreeEntry entryOf(PodListing.Listed listed, Map<Long, String> firstByInode) {
        String name = TreeEntry.clean(listed.name());
        if (listed.kind() == EntryKind.REGULAR && listed.links() > 1) {
            String first = firstByInode.putIfAbsent(listed.inode(), name);
            if (first != null) {
                return new TreeEntry(name, EntryKind.HARDLINK, 0, first);
            }
        }
        return new TreeEntry(name, listed.kind(), listed.kind() == EntryKind.REGULAR ? listed.size() : 0, null);
    }

    private void list(Place place, String mode, CollectGuard guard, Predicate<PodListing.Listed> each) throws IOException {
        try (PodExec exec = PodExec.start(client, namespace, pod, guard, "sh", "-c", PodListing.SCRIPT, "sh", place.parent(),
                place.name(), mode)) {
            boolean[] complete = {true};
            try {
                PodListing.read(new BufferedInputStream(exec.output(false), 1 << 16), listed -> {
                    guard.check();
                    complete[0] = each.test(listed);
                    return complete[0];
                });
            } catch (IOException e) {
                // fabric8 ends the output of a command that exited non-zero with an exception: the code says why
                if (guard.aborted() || exec.exitCodeNow() == 0) {
                    throw guard.explain(e);
                }
            }
            if (!complete[0]) {
                return; // the budget is spent: closing the exec ends the listing
            }
            int code = exec.exitCode();
            switch (code) {
                case 0 -> {
                    if (!exec.errors().isEmpty()) {
                        throw new IOException("the pod's keeper could not list all of " + place.path() + ": " + exec.errors());
                    }
                }
                case PodListing.PARENT_MISSING, PodListing.MISSING -> throw new NoSuchContainerException("archive",
                        place.path() + " does not exist", null);
                case PodListing.BELOW_A_LINK -> throw new UnreadablePathException(CollectedFile.Reason.NOT_A_REGULAR_FILE,
                        "is below a symbolic link: on Kubernetes a directory on the way that is a symbolic link is not"
                                + " followed (collect the path it points to)");
                default -> throw new IOException("listing " + place.path() + " in pod " + pod + " exited with " + code + ": "
                        + exec.errors());
            }
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
