package dev.containerrunner.plugin.execution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The tar archives the engine's archive API speaks. Entry names are always written and read as
 * UTF-8 (PAX headers for names that need them), never in the platform's default charset.
 */
public final class TarArchives {

    private TarArchives() {
    }

    /** A regular file to put in an archive, with its permission bits (e.g. {@code 0644}). */
    public record Entry(String name, byte[] content, int mode) {

        /** A file of mode 0644. */
        public Entry(String name, byte[] content) {
            this(name, content, 0644);
        }
    }

    /**
     * An archive of {@code directory/} (mode 0755) holding {@code files} (their modes, names in
     * UTF-8), all owned by {@code uid:gid}; with a null {@code directory} the files sit at the archive's top.
     * (The engine ignores the owner of a {@code ./} entry, so a directory's owner can only be set
     * from its parent.)
     */
    public static InputStream ownedFiles(int uid, int gid, String directory, java.util.List<Entry> files) {
        long size = files.stream().mapToLong(f -> f.content().length + 1024L).sum();
        Buffer bytes = new Buffer((int) Math.min(Integer.MAX_VALUE - 8, size + 4096));
        String prefix = directory == null ? "" : directory + "/";
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            if (directory != null) {
                TarArchiveEntry dir = new TarArchiveEntry(prefix);
                dir.setMode(040755);
                dir.setIds(uid, gid);
                tar.putArchiveEntry(dir);
                tar.closeArchiveEntry();
            }
            for (Entry f : files) {
                TarArchiveEntry file = new TarArchiveEntry(prefix + f.name());
                file.setMode(0100000 | (f.mode() & 07777));
                file.setIds(uid, gid);
                file.setSize(f.content().length);
                tar.putArchiveEntry(file);
                tar.write(f.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("building the input archive failed", e);
        }
        return bytes.asInput();
    }

    /** An output buffer read back without copying it (an input file can be hundreds of MiB). */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        synchronized InputStream asInput() {
            return new java.io.ByteArrayInputStream(buf, 0, count);
        }
    }

    /**
     * A reader of the tar stream {@code in} that decodes entry names as UTF-8, whatever the JVM's
     * default charset (with {@code LANG} unset it is ASCII, and a name such as {@code données-€.txt}
     * would not survive).
     */
    public static TarArchiveInputStream reader(InputStream in) {
        return new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
    }
}
