package dev.containerrunner.plugin.execution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The tar archives the engine's archive API speaks. */
public final class TarArchives {

    private TarArchives() {
    }

    /** A regular file to put in an archive. */
    public record Entry(String name, byte[] content) {
    }

    /**
     * An archive of {@code directory/} (mode 0755) holding {@code files} (mode 0644), all owned by
     * {@code uid:gid}; with a null {@code directory} the files sit at the archive's top.
     * (The engine ignores the owner of a {@code ./} entry, so a directory's owner can only be set
     * from its parent.)
     */
    public static InputStream ownedFiles(int uid, int gid, String directory, java.util.List<Entry> files) {
        long size = files.stream().mapToLong(f -> f.content().length + 1024L).sum();
        Buffer bytes = new Buffer((int) Math.min(Integer.MAX_VALUE - 8, size + 4096));
        String prefix = directory == null ? "" : directory + "/";
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            if (directory != null) {
                TarArchiveEntry dir = new TarArchiveEntry(prefix);
                dir.setMode(040755);
                dir.setIds(uid, gid);
                tar.putArchiveEntry(dir);
                tar.closeArchiveEntry();
            }
            for (Entry f : files) {
                TarArchiveEntry file = new TarArchiveEntry(prefix + f.name());
                file.setMode(0100644);
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

    /** The first entry's content when it is a regular file of at most {@code max} bytes. */
    public static FileContent firstFile(InputStream archive, long max) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null) {
                return new FileContent(Optional.empty(), 0, "the engine returned an empty archive");
            }
            if (!entry.isFile()) {
                return new FileContent(Optional.empty(), 0, "is not a regular file"
                        + (entry.isDirectory() ? " (it is a directory)" : entry.isSymbolicLink() ? " (it is a symbolic link)" : ""));
            }
            if (entry.getSize() > max) {
                return new FileContent(Optional.empty(), entry.getSize(), "is " + entry.getSize()
                        + " bytes, above max_output_file_bytes (" + max + ")");
            }
            return new FileContent(Optional.of(tar.readNBytes((int) entry.getSize())), entry.getSize(), null);
        }
    }

    /** A file read back from a container, or why it could not be. */
    public record FileContent(Optional<byte[]> bytes, long size, String problem) {
    }
}
