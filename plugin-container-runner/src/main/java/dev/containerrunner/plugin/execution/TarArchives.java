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
final class TarArchives {

    private TarArchives() {
    }

    /**
     * An archive that makes the directory it is extracted into owned by {@code uid:gid}
     * (mode 0755) and, when {@code fileName} is given, holds that file (mode 0644, same owner).
     */
    static byte[] ownedDirectory(int uid, int gid, String fileName, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content == null ? 2048 : content.length + 2048);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry dir = new TarArchiveEntry("./");
            dir.setMode(040755);
            dir.setIds(uid, gid);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            if (fileName != null) {
                TarArchiveEntry file = new TarArchiveEntry("./" + fileName);
                file.setMode(0100644);
                file.setIds(uid, gid);
                file.setSize(content.length);
                tar.putArchiveEntry(file);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("building the input archive failed", e);
        }
        return bytes.toByteArray();
    }

    /** The first entry's content when it is a regular file of at most {@code max} bytes. */
    static FileContent firstFile(InputStream archive, long max) throws IOException {
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
    record FileContent(Optional<byte[]> bytes, long size, String problem) {
    }
}
