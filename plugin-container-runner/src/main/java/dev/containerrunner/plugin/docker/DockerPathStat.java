package dev.containerrunner.plugin.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.TreeEntry;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TarArchives;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What the engine says is at a container path without reading it: the
 * {@code X-Docker-Container-Path-Stat} header of {@code HEAD /containers/{id}/archive?path=}
 * (base64 of {@code {"name", "size", "mode", "mtime", "linkTarget"}}). The engine resolves the
 * path's parent directories inside the container but not its last segment, so a symbolic link is
 * reported as one; {@code mode} is Go's {@code os.FileMode}, whose type bits differ from POSIX.
 *
 * @param name the last segment
 * @param size bytes (a regular file's content length)
 * @param kind its type
 */
record DockerPathStat(String name, long size, EntryKind kind) {

    static final String HEADER = "X-Docker-Container-Path-Stat";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DIR = 1L << 31;
    private static final long SYMLINK = 1L << 27;
    private static final long DEVICE = 1L << 26;
    private static final long NAMED_PIPE = 1L << 25;
    private static final long SOCKET = 1L << 24;
    private static final long CHAR_DEVICE = 1L << 21;
    private static final long IRREGULAR = 1L << 19;

    /** Parses the header's value. @throws IOException when it is not what the engine sends */
    static DockerPathStat parse(String header) throws IOException {
        JsonNode stat;
        try {
            stat = JSON.readTree(new String(Base64.getDecoder().decode(header.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("the engine's " + HEADER + " header is not base64: " + e.getMessage(), e);
        }
        if (stat == null || !stat.path("size").canConvertToLong() || !stat.path("mode").canConvertToLong()) {
            throw new IOException("the engine's " + HEADER + " header has no size or mode: " + stat);
        }
        return new DockerPathStat(stat.path("name").asText(""), stat.path("size").asLong(), kindOf(stat.path("mode").asLong()));
    }

    /**
     * What is at {@code path} as an entry, asked through {@code streams}: its stat; when the engine
     * fails the stat (HTTP 500 without a body), the path's archive: its first header says what it
     * is, or its error says the engine cannot resolve a symbolic link there itself (a loop: "too
     * many links"), and the path is reported as a link without text.
     *
     * @throws NoSuchContainerException when the container or path does not exist
     * @throws ContainerEngineException when the engine fails otherwise
     */
    static TreeEntry entry(StreamTransport streams, String containerId, String path) {
        DockerPathStat stat;
        try {
            stat = streams.stat(containerId, path);
        } catch (NoSuchContainerException e) {
            throw e;
        } catch (ContainerEngineException statFailure) {
            InputStream archive;
            try {
                archive = streams.copyOut(containerId, path);
            } catch (ContainerEngineException e) {
                if (DockerErrors.unresolvableLink(e)) {
                    return new TreeEntry(path.substring(path.lastIndexOf('/') + 1), EntryKind.SYMLINK, 0, null);
                }
                e.addSuppressed(statFailure);
                throw e;
            }
            stat = firstHeader(archive, statFailure);
        }
        return new TreeEntry(stat.name(), stat.kind(), stat.kind() == EntryKind.REGULAR ? stat.size() : 0, null);
    }

    /** What an archive's first header says (for transports that cannot ask for the stat alone). */
    static DockerPathStat of(TarArchiveEntry e) {
        EntryKind kind = EntryKind.of(e);
        return new DockerPathStat(TreeEntry.clean(e.getName()), kind == EntryKind.REGULAR ? e.getSize() : 0, kind);
    }

    /**
     * What the first header of {@code archive} says (the archive is closed); {@code statFailure}
     * is thrown when it has none.
     */
    static DockerPathStat firstHeader(InputStream archive, ContainerEngineException statFailure) {
        try (archive; TarArchiveInputStream tar = TarArchives.reader(archive)) {
            TarArchiveEntry e = tar.getNextEntry();
            if (e == null) {
                throw statFailure;
            }
            return of(e);
        } catch (IOException e) {
            statFailure.addSuppressed(e);
            throw statFailure;
        }
    }

    /** A type from Go's {@code os.FileMode} bits. */
    static EntryKind kindOf(long mode) {
        if ((mode & DIR) != 0) {
            return EntryKind.DIRECTORY;
        }
        if ((mode & SYMLINK) != 0) {
            return EntryKind.SYMLINK;
        }
        if ((mode & NAMED_PIPE) != 0) {
            return EntryKind.FIFO;
        }
        if ((mode & SOCKET) != 0) {
            return EntryKind.SOCKET;
        }
        if ((mode & DEVICE) != 0) {
            return (mode & CHAR_DEVICE) != 0 ? EntryKind.CHAR_DEVICE : EntryKind.BLOCK_DEVICE;
        }
        if ((mode & (CHAR_DEVICE | IRREGULAR)) != 0) {
            return EntryKind.OTHER;
        }
        return EntryKind.REGULAR;
    }
}
