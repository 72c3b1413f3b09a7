package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.NameBytes;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The listing the pod's keeper makes of a path before anything is read: for each batch of names
 * {@code find} prints, a count line, that many {@code stat -c '%s %f %h %i'} lines (size, raw mode
 * in hex, link count, inode) and that many NUL-terminated names. Names are bytes chosen by the
 * container (newlines included); they are only ever read up to a NUL and decoded as UTF-8.
 */
final class PodListing {

    /**
     * The keeper's script: {@code $1} the parent directory as the keeper sees it, {@code $2} the
     * name, {@code $3} the largest regular file to read at once (-1: none), {@code $4} {@code tree}
     * (list everything below a directory) or {@code one} (the path alone). Prints {@code TREE} and
     * the listing of a directory; or {@code FILE}, the path's own record, then {@code TAR} and a tar
     * of it when it is a symbolic link or a regular file of at most {@code $3} bytes (so a file that
     * fits costs one exec), else {@code END}. Exit 3: the parent does not exist; 4: a directory on the
     * way is a symbolic link (the keeper's view of an absolute link is not the container's, so it is
     * not followed); 5: the path does not exist.
     */
    static final String SCRIPT = """
            cd -P -- "$1" 2>/dev/null || exit 3
            [ "$(pwd -P)" = "$1" ] || exit 4
            [ -e "./$2" ] || [ -L "./$2" ] || exit 5
            if [ "$4" = tree ] && [ -d "./$2" ] && [ ! -L "./$2" ]; then
              echo TREE
              find "./$2" -print0 | xargs -0 -r sh -c 'echo "$#"; stat -c "%s %f %h %i" -- "$@" && printf "%s\\0" "$@"' sh
              exit
            fi
            echo FILE
            echo 1
            stat -c '%s %f %h %i' -- "./$2" || exit 6
            printf '%s\\0' "./$2"
            if [ -L "./$2" ] || { [ -f "./$2" ] && [ "$(stat -c %s -- "./$2")" -le "$3" ]; }; then
              echo TAR
              exec tar cf - --no-recursion "./$2"
            fi
            echo END
            """;

    static final int PARENT_MISSING = 3;
    static final int BELOW_A_LINK = 4;
    static final int MISSING = 5;

    /** Longest name read (a path below the collected directory); longer ones are a malformed listing. */
    private static final int MAX_NAME_BYTES = 64 * 1024;

    private PodListing() {
    }

    /**
     * One listed path.
     *
     * @param name  as listed, e.g. {@code ./out/a.txt}
     * @param links its hard link count
     * @param inode its inode number (hard links share it)
     */
    record Listed(String name, EntryKind kind, long size, long links, long inode) {
    }

    /**
     * Reads the listing from {@code in}, handing each path to {@code each} until it returns false
     * or the listing ends.
     *
     * @throws IOException when the listing is malformed or the stream fails
     */
    static void read(InputStream in, Predicate<Listed> each) throws IOException {
        for (String count = line(in, true); count != null; count = line(in, true)) {
            int n = parseCount(count);
            String[][] stats = new String[n][];
            for (int i = 0; i < n; i++) {
                stats[i] = line(in, false).split(" ");
                if (stats[i].length != 4) {
                    throw new IOException("the keeper's listing has a malformed stat line: " + String.join(" ", stats[i]));
                }
            }
            for (int i = 0; i < n; i++) {
                String name = name(in);
                try {
                    Listed listed = new Listed(name, EntryKind.ofPosixMode(Integer.parseInt(stats[i][1], 16)),
                            Long.parseLong(stats[i][0]), Long.parseLong(stats[i][2]), Long.parseLong(stats[i][3]));
                    if (!each.test(listed)) {
                        return;
                    }
                } catch (NumberFormatException e) {
                    throw new IOException("the keeper's listing has a malformed stat line: " + String.join(" ", stats[i]), e);
                }
            }
        }
    }

    private static int parseCount(String count) throws IOException {
        try {
            int n = Integer.parseInt(count.strip());
            if (n < 0 || n > 1 << 20) {
                throw new NumberFormatException(count);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("the keeper's listing has a malformed count line: " + count, e);
        }
    }

    /** The one record of a {@code FILE} answer (after its {@code FILE} line). */
    static Listed readOne(InputStream in) throws IOException {
        Listed[] one = new Listed[1];
        read(in, l -> {
            one[0] = l;
            return false;
        });
        if (one[0] == null) {
            throw new EOFException("the keeper's answer has no record");
        }
        return one[0];
    }

    /** An ASCII line without its newline; null at the end when {@code endAllowed}. */
    static String line(InputStream in, boolean endAllowed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (endAllowed && b.size() == 0) {
                    return null;
                }
                throw new EOFException("the keeper's listing ended inside a line");
            }
            if (b.size() > 256) {
                throw new IOException("the keeper's listing has a line longer than 256 bytes");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static String name(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != 0; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the keeper's listing ended inside a name");
            }
            if (b.size() >= MAX_NAME_BYTES) {
                throw new IOException("the keeper's listing has a name longer than " + MAX_NAME_BYTES + " bytes");
            }
            b.write(c);
        }
        return NameBytes.decode(b.toByteArray()); // exact: bytes that are not UTF-8 are kept, never replaced
    }
}
