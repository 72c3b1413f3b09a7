package dev.containerrunner.plugin.execution;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * An in-memory container filesystem that answers like the Docker engine: a stat of any path (a
 * file's content is given only when admitted), and a real tar archive (written with
 * commons-compress, names in UTF-8) of a directory, hard links as tar hard-link entries after the
 * first name, FIFOs and devices as their own entry types.
 */
public class FakeRunFiles implements CollectSource.RunFiles {

    /** A path: its type, bytes (regular files), link text (symbolic links) and inode (hard links share it). */
    public record Node(EntryKind kind, byte[] content, String link, int inode) {
    }

    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final List<String> runDirs;
    private final AtomicInteger inodes = new AtomicInteger();
    /** How many archives were opened, per path. */
    public final Map<String, Integer> archived = new HashMap<>();
    private String absenceNote = "";

    public FakeRunFiles(String... runDirs) {
        this.runDirs = List.of(runDirs);
        for (String d : runDirs) {
            dir(d);
        }
    }

    public FakeRunFiles dir(String path) {
        for (String p = path; !p.equals("/") && !p.isEmpty(); p = LinkResolver.parent(p)) {
            nodes.putIfAbsent(p, new Node(EntryKind.DIRECTORY, null, null, inodes.incrementAndGet()));
        }
        return this;
    }

    public FakeRunFiles file(String path, String text) {
        return file(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public FakeRunFiles file(String path, byte[] content) {
        dir(LinkResolver.parent(path));
        nodes.put(path, new Node(EntryKind.REGULAR, content, null, inodes.incrementAndGet()));
        return this;
    }

    public FakeRunFiles hardLink(String path, String existing) {
        Node target = nodes.get(existing);
        nodes.put(path, target);
        return this;
    }

    public FakeRunFiles symlink(String path, String text) {
        dir(LinkResolver.parent(path));
        nodes.put(path, new Node(EntryKind.SYMLINK, null, text, inodes.incrementAndGet()));
        return this;
    }

    public FakeRunFiles special(String path, EntryKind kind) {
        dir(LinkResolver.parent(path));
        nodes.put(path, new Node(kind, null, null, inodes.incrementAndGet()));
        return this;
    }

    /** Says {@code note} about every missing path, as a source that cannot see every entry a run made does. */
    public FakeRunFiles absenceNote(String note) {
        this.absenceNote = note;
        return this;
    }

    @Override
    public String absenceNote() {
        return absenceNote;
    }

    @Override
    public List<String> runDirectories() {
        return runDirs;
    }

    @Override
    public Optional<TreeEntry> stat(String path, CollectGuard guard) {
        Node n = nodes.get(path);
        return n == null ? Optional.empty() : Optional.of(new TreeEntry(path.substring(path.lastIndexOf('/') + 1), n.kind(),
                n.kind() == EntryKind.REGULAR ? n.content().length : 0, n.link()));
    }

    @Override
    public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) {
        if (!nodes.containsKey(path)) {
            throw new NoSuchContainerException("archive", path + " does not exist", null);
        }
        Node n = nodes.get(path);
        if (n.kind() != EntryKind.DIRECTORY) { // like Docker: a stat first, the archive only when the content is wanted
            TreeEntry entry = stat(path, guard).orElseThrow();
            Admission.Verdict verdict = admission.judge(entry);
            if (!verdict.wantsContent()) {
                return new SingleEntry(new CollectSource.Delivery(entry, verdict, null), null);
            }
            archived.merge(path, 1, Integer::sum);
            return new SingleEntry(new CollectSource.Delivery(entry, verdict, new ByteArrayInputStream(n.content())), null);
        }
        archived.merge(path, 1, Integer::sum);
        return TarEntries.of(archive(path), admission, guard);
    }

    /** The engine's archive of {@code path}: names relative to its parent. */
    public InputStream archive(String path) {
        String parent = LinkResolver.parent(path);
        int cut = parent.equals("/") ? 1 : parent.length() + 1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<Integer, String> seen = new HashMap<>();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, Node> e : new ArrayList<>(nodes.entrySet())) {
                String p = e.getKey();
                if (!p.equals(path) && !p.startsWith(path + "/")) {
                    continue;
                }
                String name = p.substring(cut);
                Node n = e.getValue();
                TarArchiveEntry t;
                switch (n.kind()) {
                    case DIRECTORY -> t = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
                    case SYMLINK -> {
                        t = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                        t.setLinkName(n.link());
                    }
                    case FIFO -> t = new TarArchiveEntry(name, TarConstants.LF_FIFO);
                    case CHAR_DEVICE -> t = new TarArchiveEntry(name, TarConstants.LF_CHR);
                    case BLOCK_DEVICE -> t = new TarArchiveEntry(name, TarConstants.LF_BLK);
                    default -> {
                        String first = seen.putIfAbsent(n.inode(), name);
                        if (first != null) {
                            t = new TarArchiveEntry(name, TarConstants.LF_LINK);
                            t.setLinkName(first);
                        } else {
                            t = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                            t.setSize(n.content().length);
                        }
                    }
                }
                tar.putArchiveEntry(t);
                if (t.isFile() && !t.isLink() && n.kind() == EntryKind.REGULAR) {
                    tar.write(n.content());
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
