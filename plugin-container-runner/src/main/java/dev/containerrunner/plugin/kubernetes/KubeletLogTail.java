package dev.containerrunner.plugin.kubernetes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps the kubelet's own error text out of a container's output. The kubelet streams a followed
 * log with status 200 and, when the container goes away mid-stream (a timeout or cancel deletes the
 * pod), writes its error after the log bytes in the same body, e.g. {@code rpc error: code = Unknown
 * desc = Error: No such container: fa34…}. So the unterminated tail of the stream (at most
 * {@value #HOLD} bytes after the last newline) is held back until the next chunk or the end. How
 * the main container ended decides what the held tail is ({@link #end}): when it ended by itself
 * ({@link Ending#EXITED}) the kubelet had nothing to complain about and the tail is the program's
 * output, passed on exactly (a Go gRPC tool's last line may well read {@code rpc error: code = …}
 * without a newline); only when it was stopped or went away ({@link Ending#STOPPED}) is a tail that
 * holds one of the kubelet's error prefixes cut there: the part before it is output, the rest is
 * reported as the stream's error, never output.
 *
 * @apiNote Not thread-safe: one reader thread feeds it.
 */
final class KubeletLogTail {

    /** The most bytes held back (an error text is far shorter). */
    static final int HOLD = 4096;

    private static final List<byte[]> ERROR_PREFIXES = List.of(
            bytes("rpc error: code = "),
            bytes("unable to retrieve container logs for "),
            bytes("failed to try resolving symlinks in path "));

    /** How the main container ended, which decides what the held tail is. */
    enum Ending {
        /** It has a terminated state the runner did not cause (any exit code): the tail is the program's output, whole. */
        EXITED,
        /** The runner stopped it (timeout, cancel) or it went away: the kubelet may have written its error after the log. */
        STOPPED
    }

    private final Consumer<byte[]> sink;
    private byte[] held = new byte[0];

    KubeletLogTail(Consumer<byte[]> sink) {
        this.sink = sink;
    }

    /** Passes on {@code chunk}'s bytes except the (new) unterminated tail, which is held back. */
    void accept(byte[] chunk) {
        byte[] all = new byte[held.length + chunk.length];
        System.arraycopy(held, 0, all, 0, held.length);
        System.arraycopy(chunk, 0, all, held.length, chunk.length);
        int lastNewline = all.length - 1;
        while (lastNewline >= 0 && all[lastNewline] != '\n') {
            lastNewline--;
        }
        int keepFrom = Math.max(lastNewline + 1, all.length - HOLD);
        if (keepFrom > 0) {
            sink.accept(Arrays.copyOf(all, keepFrom));
        }
        held = Arrays.copyOfRange(all, keepFrom, all.length);
    }

    /**
     * The stream ended and the main container ended {@code how}: passes on the held tail, whole when
     * it {@link Ending#EXITED}, else up to a kubelet error text, if any.
     *
     * @return the kubelet's error text (UTF-8, trimmed); empty when the stream ended cleanly, and
     *     always when the container {@link Ending#EXITED}
     */
    Optional<String> end(Ending how) {
        int at = how == Ending.EXITED ? -1 : firstErrorPrefix(held);
        byte[] output = at < 0 ? held : Arrays.copyOf(held, at);
        if (output.length > 0) {
            sink.accept(output);
        }
        Optional<String> error = at < 0 ? Optional.empty()
                : Optional.of(new String(held, at, held.length - at, StandardCharsets.UTF_8).trim());
        held = new byte[0];
        return error;
    }

    private static int firstErrorPrefix(byte[] tail) {
        int first = -1;
        for (byte[] prefix : ERROR_PREFIXES) {
            int i = indexOf(tail, prefix);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        return first;
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
