package dev.containerrunner.plugin.execution;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What a path in a container is, decided per entry type, never "anything that is not a directory
 * is a file": a tar library's {@code isFile()} is also true for hard links and special files.
 */
public enum EntryKind {
    REGULAR("a regular file"),
    DIRECTORY("a directory"),
    SYMLINK("a symbolic link"),
    HARDLINK("a hard link"),
    FIFO("a FIFO (named pipe)"),
    CHAR_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    SOCKET("a socket"),
    OTHER("a special file");

    private final String description;

    EntryKind(String description) {
        this.description = description;
    }

    /** For messages, e.g. {@code "a FIFO (named pipe)"}. */
    public String description() {
        return description;
    }

    /** The kind of a tar entry, from its type flag (links and special files are not regular files). */
    public static EntryKind of(TarArchiveEntry e) {
        if (e.isDirectory()) {
            return DIRECTORY;
        }
        if (e.isSymbolicLink()) {
            return SYMLINK;
        }
        if (e.isLink()) {
            return HARDLINK;
        }
        if (e.isFIFO()) {
            return FIFO;
        }
        if (e.isCharacterDevice()) {
            return CHAR_DEVICE;
        }
        if (e.isBlockDevice()) {
            return BLOCK_DEVICE;
        }
        byte flag = e.getLinkFlag();
        return flag == '0' || flag == 0 || flag == '7' ? REGULAR : OTHER; // '7': contiguous, a regular file
    }

    /**
     * The kind of a POSIX {@code st_mode} (e.g. {@code stat -c %f}, in hex): {@code S_IFMT} bits
     * 0140000 socket, 0120000 symbolic link, 0100000 regular, 060000 block device, 040000
     * directory, 020000 character device, 010000 FIFO.
     */
    public static EntryKind ofPosixMode(int mode) {
        return switch (mode & 0170000) {
            case 0140000 -> SOCKET;
            case 0120000 -> SYMLINK;
            case 0100000 -> REGULAR;
            case 060000 -> BLOCK_DEVICE;
            case 040000 -> DIRECTORY;
            case 020000 -> CHAR_DEVICE;
            case 010000 -> FIFO;
            default -> OTHER;
        };
    }
}
