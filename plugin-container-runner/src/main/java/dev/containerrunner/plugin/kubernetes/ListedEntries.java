package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.Admission;
import dev.containerrunner.plugin.execution.CollectGuard;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.CollectedFile;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.execution.TarEntries;
import dev.containerrunner.plugin.execution.TreeEntry;
import java.io.IOException;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The entries of a path the keeper listed and the collector judged, in listing order: those that
 * need reading (admitted regular files, and symbolic links for their text) come from keeper
 * {@code tar}s of a batch of names at a time, opened as the reader gets to them; the others are
 * returned from the listing alone. A name the keeper's {@code tar} did not deliver (unreadable,
 * gone) becomes that entry's {@code read_failed} error.
 *
 * @apiNote Not thread-safe, except that the guard may close the open {@code tar} from another thread.
 */
final class ListedEntries implements CollectSource.Entries {

    /** A listed entry with its verdict; {@code listedName} as the keeper names it (e.g. {@code ./out/a}). */
    record Judged(String listedName, TreeEntry entry, Admission.Verdict verdict) {

        boolean needsTar() {
            return verdict.wantsContent()
                    || (entry.kind() == EntryKind.SYMLINK && verdict.action() == Admission.Verdict.Action.DEFER);
        }
    }

    private final String base;
    private final List<Judged> judged;
    private final PodFiles.TarOpener opener;
    private final CollectGuard guard;
    private final List<String> tarNames;
    private int next;
    private int tarred;
    private int batchEnd;
    private PodExec exec;
    private TarArchiveInputStream tar;
    private TarArchiveEntry lookahead;
    private boolean broken;

    /** @param base the container directory the entries' names are relative to ({@code ""} for {@code /}) */
    ListedEntries(String base, List<Judged> judged, PodFiles.TarOpener opener, CollectGuard guard) {
        this.base = base;
        this.judged = List.copyOf(judged);
        this.opener = opener;
        this.guard = guard;
        this.tarNames = this.judged.stream().filter(Judged::needsTar).map(Judged::listedName).toList();
    }

    @Override
    public CollectSource.Delivery next() throws IOException {
        if (next >= judged.size()) {
            closeTar();
            return null;
        }
        Judged j = judged.get(next++);
        if (!j.needsTar()) {
            return new CollectSource.Delivery(j.entry(), j.verdict(), null);
        }
        TarArchiveEntry header = header(j.listedName());
        TreeEntry read = header == null ? null : TarEntries.entryOf(header);
        if (read == null || read.kind() != j.entry().kind() || read.size() != j.entry().size()) {
            return new CollectSource.Delivery(j.entry(), Admission.Verdict.reject(CollectedFile.Failed.of(base + "/" + j.entry().name(),
                    CollectedFile.Reason.READ_FAILED, "could not be read in the pod: " + (read == null
                            ? "the keeper's tar did not deliver it (" + (exec == null ? "" : exec.errors()) + ")"
                            : "it changed since it was listed"))), null);
        }
        if (j.entry().kind() == EntryKind.SYMLINK) {
            return new CollectSource.Delivery(new TreeEntry(j.entry().name(), EntryKind.SYMLINK, 0, header.getLinkName()),
                    j.verdict(), null);
        }
        return new CollectSource.Delivery(j.entry(), j.verdict(), TarEntries.content(tar, guard));
    }

    /** The header of {@code listedName} from the current batch (opening the next as needed); null when tar skipped it. */
    private TarArchiveEntry header(String listedName) throws IOException {
        if (tarred >= batchEnd) {
            closeTar();
            int size = PodFiles.batchSize(tarNames, tarred);
            batchEnd = tarred + size;
            exec = opener.open(tarNames.subList(tarred, batchEnd));
            tar = TarArchives.reader(exec.output(true));
        }
        tarred++;
        try {
            if (lookahead == null && !broken) {
                lookahead = tar.getNextEntry();
            }
        } catch (IOException e) {
            if (guard.aborted()) {
                throw guard.explain(e);
            }
            broken = true; // the keeper's tar failed (fabric8 ends its output with an exception): the rest of the batch is missing
        }
        if (lookahead != null && TreeEntry.clean(lookahead.getName()).equals(TreeEntry.clean(listedName))) {
            TarArchiveEntry h = lookahead;
            lookahead = null;
            return h;
        }
        return null;
    }

    private void closeTar() {
        if (exec != null) {
            exec.close();
            exec = null;
            tar = null;
            lookahead = null;
            broken = false;
        }
    }

    @Override
    public void close() {
        next = judged.size();
        closeTar();
    }
}
