package dev.containerrunner.plugin.execution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A tar archive generated as it is read: directory and file entries, each file's bytes pulled from
 * its own stream only when the archive reaches it, {@code chunk} bytes at a time. Memory is bounded
 * by the chunk and the tar block (10 KiB) whatever the files' sizes; nothing touches the disk.
 * Names are UTF-8 (PAX headers for long or non-ASCII names), sizes above 8 GiB use PAX too.
 *
 * <p>A file's entry size is the size given up front (e.g. the object's Content-Length); its stream
 * must then give exactly that many bytes and end: fewer or more fail the archive. A stream that
 * throws (e.g. {@link VerifiedInput} at a wrong sha256) fails the read in progress with that
 * exception (an {@link IOException} wrapped in an {@link UncheckedIOException}), so the archive never
 * ends cleanly, and the stream in flight is closed; {@link #failure()} keeps it for the consumer's
 * caller, whatever the transport made of it.
 *
 * @apiNote Not thread-safe: one reader.
 */
public final class TarStream extends InputStream {

    /** An entry: a directory ({@code content} null, {@code name} ending in {@code /}) or a file of {@code size} bytes. */
    public record Item(String name, int mode, long size, Supplier<? extends InputStream> content) {

        /** A directory entry (mode e.g. {@code 0755}). */
        public static Item directory(String name, int mode) {
            return new Item(name.endsWith("/") ? name : name + "/", mode, 0, null);
        }
    }

    private final int uid;
    private final int gid;
    private final Deque<Item> items;
    private final byte[] chunk;
    private final Pending pending = new Pending();
    private final TarArchiveOutputStream tar;
    private InputStream current;
    private long left;
    private boolean finished;
    private RuntimeException failure;

    /**
     * @param uid   owner of every entry
     * @param gid   group of every entry
     * @param items the entries, in order (a directory before what it holds)
     * @param chunk how many bytes of a file are pulled at a time (e.g. 64 KiB)
     */
    public TarStream(int uid, int gid, List<Item> items, int chunk) {
        this.uid = uid;
        this.gid = gid;
        this.items = new ArrayDeque<>(items);
        this.chunk = new byte[chunk];
        this.tar = new TarArchiveOutputStream(pending, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            while (pending.available() == 0 && !finished) {
                step();
            }
        } catch (RuntimeException e) {
            throw fail(e);
        } catch (IOException e) {
            throw fail(new UncheckedIOException(e));
        }
        return pending.available() == 0 ? -1 : pending.take(b, off, len);
    }

    /** One step: the next entry's header, a chunk of the current file, its end, or the archive's end. */
    private void step() throws IOException {
        if (current == null) {
            Item item = items.poll();
            if (item == null) {
                tar.finish();
                finished = true;
                return;
            }
            TarArchiveEntry entry = new TarArchiveEntry(item.name());
            entry.setIds(uid, gid);
            if (item.content() == null) {
                entry.setMode(040000 | (item.mode() & 07777));
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
                return;
            }
            entry.setMode(0100000 | (item.mode() & 07777));
            entry.setSize(item.size());
            tar.putArchiveEntry(entry);
            current = item.content().get();
            left = item.size();
            if (left == 0) {
                endOfFile();
            }
            return;
        }
        int n = current.read(chunk, 0, (int) Math.min(chunk.length, left));
        if (n < 0) {
            throw new UncheckedIOException(new IOException("a file's stream ended " + left + " bytes before its size"));
        }
        tar.write(chunk, 0, n);
        left -= n;
        if (left == 0) {
            endOfFile();
        }
    }

    /** The file's bytes are all in: its stream must end now (where a {@link VerifiedInput} checks them). */
    private void endOfFile() throws IOException {
        if (current.read() >= 0) {
            throw new UncheckedIOException(new IOException("a file's stream holds more bytes than its size"));
        }
        tar.closeArchiveEntry();
        InputStream done = current;
        current = null;
        done.close();
    }

    /** Records {@code e} as the archive's failure and closes the file stream in flight; returns {@code e}. */
    private RuntimeException fail(RuntimeException e) {
        failure = e;
        closeCurrent();
        return e;
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
            current = null;
        }
    }

    /** What failed the archive, if anything did; null otherwise. */
    public RuntimeException failure() {
        return failure;
    }

    /** Closes the file stream in flight, if any. Idempotent. */
    @Override
    public void close() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                current = null;
            }
        }
    }

    /** The bytes the tar writer produced and the reader has not taken yet; reused, never grown past a step's output. */
    private static final class Pending extends ByteArrayOutputStream {
        private int taken;

        int available() {
            return count - taken;
        }

        int take(byte[] b, int off, int len) {
            int n = Math.min(len, count - taken);
            System.arraycopy(buf, taken, b, off, n);
            taken += n;
            if (taken == count) {
                reset();
                taken = 0;
            }
            return n;
        }
    }
}
