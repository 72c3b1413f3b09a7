package dev.containerrunner.plugin.execution;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@link CollectSource.Entries} over a tar stream (an engine's archive of a path): each header is
 * judged as it arrives; an entry not admitted is read through by the tar reader when the next one
 * is asked for, metered by the guard. Names are read as UTF-8, whatever the JVM's default charset.
 *
 * @apiNote Not thread-safe, except that the guard may close the stream from another thread.
 */
public final class TarEntries implements CollectSource.Entries {

    private final TarArchiveInputStream tar;
    private final TarNameTap names;
    private final Closeable source;
    private final Admission admission;
    private final CollectGuard guard;
    private boolean stopped;

    private TarEntries(InputStream raw, Admission admission, CollectGuard guard) {
        this.source = guard.attach(raw);
        this.names = new TarNameTap(guard.meter(raw));
        this.tar = TarArchives.reader(names);
        this.admission = admission;
        this.guard = guard;
    }

    /** The entries of the archive {@code raw} (closed with them), judged by {@code admission}. */
    public static TarEntries of(InputStream raw, Admission admission, CollectGuard guard) {
        return new TarEntries(raw, admission, guard);
    }

    @Override
    public CollectSource.Delivery next() throws IOException {
        if (stopped) {
            return null;
        }
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
        } catch (IOException ex) {
            throw guard.explain(ex);
        }
        if (e == null) {
            return null;
        }
        TreeEntry entry = entryOf(e, exactName(e));
        Admission.Verdict verdict = admission.judge(entry);
        if (verdict.action() == Admission.Verdict.Action.STOP) {
            stopped = true;
        }
        return new CollectSource.Delivery(entry, verdict, verdict.wantsContent() ? content(tar, guard) : null);
    }

    /**
     * The name of {@code e} with its exact bytes ({@link NameBytes#decode}): the tap's bytes when
     * they are the name the reader decoded (with replacement characters), else the reader's name.
     */
    private String exactName(TarArchiveEntry e) {
        byte[] raw = names.nextName();
        if (raw == null) {
            return e.getName();
        }
        if (!new String(raw, java.nio.charset.StandardCharsets.UTF_8).equals(e.getName())) {
            names.stop(); // out of step with the reader: its names from now on
            return e.getName();
        }
        return NameBytes.decode(raw);
    }

    /** The entry a tar header describes. */
    public static TreeEntry entryOf(TarArchiveEntry e) {
        return entryOf(e, e.getName());
    }

    private static TreeEntry entryOf(TarArchiveEntry e, String name) {
        EntryKind kind = EntryKind.of(e);
        String link = kind == EntryKind.SYMLINK ? e.getLinkName()
                : kind == EntryKind.HARDLINK ? TreeEntry.clean(e.getLinkName()) : null;
        return new TreeEntry(name, kind, kind == EntryKind.REGULAR ? e.getSize() : 0, link);
    }

    /** The current entry's content of {@code tar}, counted as delivered by {@code guard}. */
    public static InputStream content(InputStream tar, CollectGuard guard) {
        return new FilterInputStream(tar) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    guard.delivered(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    guard.delivered(n);
                }
                return n;
            }

            @Override
            public void close() {
                // the archive is closed with the entries, not with one entry
            }
        };
    }

    @Override
    public void close() throws IOException {
        guard.detach(source);
        try {
            tar.close();
        } finally {
            source.close();
        }
    }
}
