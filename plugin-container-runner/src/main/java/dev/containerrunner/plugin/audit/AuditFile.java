package dev.containerrunner.plugin.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The audit log's file ({@code audit_log}). Every line is appended with its own open, one write
 * and close ({@code O_APPEND}): lines of concurrent attempts never interleave, a file that was
 * rotated or removed is created anew instead of lines going to an unlinked inode, and a file made
 * unwritable is noticed at the next line.
 *
 * <p>A line cut short (the file system filled up in the middle of it) leaves a fragment; the next
 * line then starts with a newline, so the fragment stays on a line of its own and never spoils the
 * next record.
 *
 * @apiNote Thread-safe: appends are serialised within this object.
 */
public final class AuditFile implements AuditSink {

    /** Below this many free bytes on its file system, the audit file counts as full: 64 KiB. */
    public static final long MIN_FREE_BYTES = 64 * 1024;

    private static final int TYPE_MASK = 0170000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int FIFO = 0010000;
    private static final int SOCKET = 0140000;

    /** Opens the file for appending (a seam for tests of short writes). */
    interface Opener {
        WritableByteChannel open(Path path) throws IOException;
    }

    /** Paths that name a process's streams or kernel state even when they resolve to a regular file. */
    private static final List<Path> PSEUDO_FILES = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev/fd"),
            Path.of("/dev/stdin"), Path.of("/dev/stdout"), Path.of("/dev/stderr"));

    private final Path path;
    private final Opener opener;
    private final List<Path> streams;
    private boolean torn; // guarded by this: the last append stopped in the middle of its line

    /** The file at {@code path} (relative paths resolve against the working directory); does no I/O. */
    public AuditFile(Path path) {
        this(path, p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    AuditFile(Path path, Opener opener) {
        this(path, opener, AuditDestination.PROCESS_STREAMS);
    }

    /** With other files standing for this process's stdout and stderr (tests). */
    AuditFile(Path path, Opener opener, List<Path> streams) {
        this.path = path.toAbsolutePath();
        this.opener = opener;
        this.streams = List.copyOf(streams);
    }

    /** The absolute path. */
    public Path path() {
        return path;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    /**
     * Makes sure a line can be appended now, writing no byte: refuses paths under {@code /proc},
     * {@code /sys}, {@code /dev/fd} and {@code /dev/std{in,out,err}} (as written, before links are
     * followed: they may resolve to whatever file a stream was redirected to); creates missing
     * parent directories and the file (empty), requires a regular file (after symbolic links: not a directory, device
     * such as {@code /dev/full} or {@code /dev/null}, FIFO or socket), refuses a path that resolves
     * through symbolic links into {@code /proc}, {@code /sys} or {@code /dev}, or that is the same
     * file as this process's stdout or stderr ({@link AuditDestination}), opens it for appending (which
     * fails on a read-only or immutable file, a read-only file system, missing permissions), and
     * requires {@link #MIN_FREE_BYTES} free on its file system.
     *
     * @throws IOException saying why not, e.g. {@code is a character device, not a regular file}
     */
    @Override
    public void check() throws IOException {
        for (Path pseudo : PSEUDO_FILES) {
            if (path.normalize().startsWith(pseudo)) {
                throw new IOException("is under " + pseudo + ", a process or kernel pseudo-file, not a file of its own (with"
                        + " stdout redirected to a file, /dev/stdout would mix audit lines into the CLI's JSON document)");
            }
        }
        String kind = Files.exists(path) ? nonRegularKind() : null; // a part of a missing path: createParent says which
        if (kind != null) {
            throw new IOException("is " + kind + ", not a regular file");
        }
        AuditDestination.check(path, streams); // before any directory is made on the way
        createParent();
        try (WritableByteChannel ignored = opener.open(path)) {
            // opening for appending is the check
        } catch (IOException e) {
            throw new IOException("cannot be opened for appending: " + reason(e), e);
        }
        long free = path.toFile().getUsableSpace(); // statvfs; Files.getFileStore would read the mount table each time
        if (free < MIN_FREE_BYTES) {
            throw new IOException("has no room: its file system has " + free + " bytes free, at least " + MIN_FREE_BYTES
                    + " are required");
        }
    }

    @Override
    public synchronized void append(byte[] line) throws IOException {
        byte[] bytes = line;
        if (torn) {
            bytes = new byte[line.length + 1];
            bytes[0] = '\n';
            System.arraycopy(line, 0, bytes, 1, line.length);
        }
        createParent();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try (WritableByteChannel channel = opener.open(path)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            if (buffer.position() > 0 && buffer.hasRemaining()) {
                torn = true;
            }
            throw new IOException(reason(e), e);
        }
        torn = false;
    }

    private void createParent() throws IOException {
        Path parent = path.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new IOException("cannot have its directory " + parent + " created: " + reason(e), e);
            }
        }
    }

    /** What the path is when it exists and is not a regular file (links followed); null otherwise. */
    private String nonRegularKind() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null; // created when opened
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        int type;
        try {
            type = (Integer) Files.getAttribute(path, "unix:mode") & TYPE_MASK;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            type = -1; // no unix view: say what we know
        }
        return switch (type) {
            case CHARACTER_DEVICE -> "a character device";
            case BLOCK_DEVICE -> "a block device";
            case FIFO -> "a FIFO";
            case SOCKET -> "a socket";
            default -> "a device, FIFO or socket";
        };
    }

    /** The operating system's words for {@code e}, without the path repeated. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException f) { // a part of the directory path is a file
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName() + " " + f.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
