package dev.containerrunner.plugin.execution;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where collect_output (and output_file) read from: a finished run's container (Docker) or pod
 * (Kubernetes). Implementations refuse ids that name nothing or something the runner did not
 * create.
 */
public interface CollectSource {

    /**
     * The run behind {@code containerId}.
     *
     * @throws dev.containerrunner.spi.ActionFailedException when it does not exist (any more)
     */
    Target find(String action, String containerId);

    /** One run's files. */
    interface Target extends RunFiles {

        /** Its runner labels (managed-by, run, attempt, ...); empty when the runner did not create it. */
        Map<String, String> labels();

        /** Whether its main process still runs (files are read after it ends). */
        boolean running();

        /** Removes the run's container or pod and volumes now ({@code release: true}). */
        void release();
    }

    /**
     * Reading a run's files. Every call may block on the engine or cluster; the {@link CollectGuard}
     * passed in can abort it from another thread (cancellation, deadline) by closing what it opened.
     */
    interface RunFiles {

        /**
         * The run's own per-run directories (input_file's and output_file's directories and
         * writable_dirs): the files the run wrote. A symbolic link is followed only into these or
         * into the tree being collected.
         */
        List<String> runDirectories();

        /**
         * What is at {@code path}, without following a symbolic link in its last segment (a link's
         * {@link TreeEntry#linkName()} is its text); empty when nothing is there. The entry's name is
         * the path's last segment.
         *
         * @throws IOException when the engine or cluster fails
         */
        Optional<TreeEntry> stat(String path, CollectGuard guard) throws IOException;

        /**
         * The entries of {@code path} (itself first, then, for a directory, everything below it,
         * parents before children), each judged by {@code admission} exactly once and in order
         * before it is returned; only entries judged {@link Admission.Verdict#wantsContent()} come
         * with content. A source that can list before it reads (Kubernetes) judges every entry first
         * and reads only what was admitted; one that cannot (Docker directories) reads through what
         * was not admitted, metered by {@code guard}.
         *
         * @throws NoSuchContainerException when {@code path} does not exist
         * @throws IOException              when the engine or cluster fails
         */
        Entries entries(String path, Admission admission, CollectGuard guard) throws IOException;

        /**
         * Why a path the run made may still be absent here, appended to "does not exist" and "was
         * not written" (e.g. under gVisor a FIFO stays inside the sandbox); empty when the source
         * sees every entry the run made.
         */
        default String absenceNote() {
            return "";
        }
    }

    /** The entries of one requested path, read in order; closing it releases the stream early. */
    interface Entries extends Closeable {

        /** The next entry with its verdict and, when admitted, its content; null after the last. */
        Delivery next() throws IOException;
    }

    /**
     * One entry as {@link Entries#next()} returns it.
     *
     * @param content exactly {@code entry.size()} bytes when the verdict wants content, else null;
     *                valid until the next call to {@link Entries#next()}
     */
    record Delivery(TreeEntry entry, Admission.Verdict verdict, InputStream content) {
    }
}
