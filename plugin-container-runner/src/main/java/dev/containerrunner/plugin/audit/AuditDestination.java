package dev.containerrunner.plugin.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the audit file's lines really go, once every symbolic link on the way is followed: never
 * into {@code /proc}, {@code /sys} or {@code /dev} (e.g. a link to {@code /proc/self/fd/1} or
 * {@code /dev/stdout}, which is whatever the CLI's stdout was redirected to), and never into the
 * file that is this process's stdout or stderr (audit lines would be mixed into the CLI's JSON
 * document or its log).
 *
 * @apiNote stateless and thread-safe; reads the file system
 */
final class AuditDestination {

    /** Kernel and device trees: a destination resolving into one of them is refused. */
    static final List<Path> KERNEL_TREES = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));
    /** This process's stdout and stderr, as the kernel shows them. */
    static final List<Path> PROCESS_STREAMS = List.of(Path.of("/proc/self/fd/1"), Path.of("/proc/self/fd/2"));
    private static final int MAX_LINKS = 40; // as the kernel's ELOOP limit

    private AuditDestination() {
    }

    /**
     * Checks the destination {@code path} (absolute), before its missing directories are made.
     *
     * @param streams the files to compare with: {@link #PROCESS_STREAMS} (a seam for tests)
     * @throws IOException saying why not, e.g. {@code resolves through symbolic links to /proc/self/fd/1, ...}
     */
    static void check(Path path, List<Path> streams) throws IOException {
        Path target = resolve(path);
        for (Path tree : KERNEL_TREES) {
            if (target.startsWith(tree)) {
                throw new IOException("resolves through symbolic links to " + target + ", under " + tree + ": a kernel or"
                        + " device file, not a file of its own (a link to /proc/self/fd/1 or /dev/stdout writes into whatever"
                        + " stdout is, e.g. the CLI's JSON document)");
            }
        }
        if (!Files.exists(path)) {
            return; // created when first opened: no stream can be it
        }
        for (int fd = 0; fd < streams.size(); fd++) {
            Path stream = streams.get(fd);
            if (Files.exists(stream) && Files.isSameFile(path, stream)) {
                throw new IOException("is the same file as this process's " + (fd == 0 ? "stdout" : "stderr") + " (" + stream
                        + "): audit lines would be mixed into " + (fd == 0 ? "the CLI's JSON document" : "its log"));
            }
        }
    }

    /**
     * The path {@code path} leads to with every symbolic link followed, also when the last one
     * dangles or directories are missing (the file would be created there) or it leads to
     * something {@code toRealPath} cannot name (such as {@code /proc/self/fd/1} of a pipe).
     */
    static Path resolve(Path path) throws IOException {
        Path current = path.toAbsolutePath();
        for (int hops = 0; hops <= MAX_LINKS; hops++) {
            Path parent = current.getParent();
            if (parent == null) {
                return current;
            }
            Path name = current.getFileName();
            if (!outside(parent)) {
                return parent.normalize().resolve(name); // inside a kernel tree: refused by the caller
            }
            Path realParent = Files.exists(parent) ? parent.toRealPath() : resolve(parent); // a missing one would be made there
            current = realParent.resolve(name);
            if (name.toString().equals("..") || name.toString().equals(".")) {
                current = current.normalize();
            }
            if (!Files.isSymbolicLink(current)) {
                return current;
            }
            current = realParent.resolve(Files.readSymbolicLink(current));
        }
        throw new IOException("has more than " + MAX_LINKS + " symbolic links on its way");
    }

    /** Whether {@code dir} (lexically) is outside the kernel trees, so following it further is needed. */
    private static boolean outside(Path dir) {
        Path d = dir.normalize();
        return KERNEL_TREES.stream().noneMatch(d::startsWith);
    }
}
