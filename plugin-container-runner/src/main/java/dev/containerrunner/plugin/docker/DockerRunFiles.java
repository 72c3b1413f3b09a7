package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.Admission;
import dev.containerrunner.plugin.execution.CollectGuard;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.SingleEntry;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.execution.TarEntries;
import dev.containerrunner.plugin.execution.TreeEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A Docker container's files, as collect_output and output_file read them. Every path is asked
 * about first ({@code HEAD .../archive}: type and size, nothing read), so a single file over the
 * budget, a FIFO or a device is never streamed. A directory has no listing in the engine's API:
 * its archive is streamed and each entry judged as its header arrives; an entry not admitted is
 * read through, metered against {@code max_collect_skip_bytes} and the deadline. The engine reads the
 * run's volumes from the host: under gVisor a FIFO or socket the run made is a synthetic file kept
 * in the sandbox's memory (gVisor's gofer does not create them on the host), so it is not there and
 * what is missing says so ({@link #absenceNote()}).
 *
 * @apiNote Thread-safe: every call opens its own streams.
 */
final class DockerRunFiles implements CollectSource.RunFiles {

    private final Supplier<DockerGateway> gateway;
    private final String containerId;
    private final Supplier<List<String>> runDirs;
    private final String absenceNote;
    private List<String> knownRunDirs;

    /**
     * The files of {@code containerId}, run under {@code runtime} (the engine's default when empty);
     * {@code runDirs} is asked once, when a link needs them.
     */
    DockerRunFiles(Supplier<DockerGateway> gateway, String containerId, Optional<String> runtime,
                   Supplier<List<String>> runDirs) {
        this.gateway = gateway;
        this.containerId = containerId;
        this.runDirs = runDirs;
        this.absenceNote = runtime.filter(RunnerConfig::isGvisor).isPresent() ? GVISOR_ABSENCE : "";
    }

    /** What a missing path may be under gVisor, measured: a FIFO or socket made in the sandbox is not on the volume. */
    static final String GVISOR_ABSENCE = " (or, under gVisor, was made as a FIFO or socket: those stay in the sandbox's memory"
            + " and never reach the run's volume, which the engine reads)";

    @Override
    public String absenceNote() {
        return absenceNote;
    }

    @Override
    public synchronized List<String> runDirectories() {
        if (knownRunDirs == null) {
            knownRunDirs = List.copyOf(runDirs.get());
        }
        return knownRunDirs;
    }

    @Override
    public Optional<TreeEntry> stat(String path, CollectGuard guard) throws IOException {
        guard.check();
        try {
            return Optional.of(withLinkText(path, gateway.get().statPath(containerId, path), guard));
        } catch (NoSuchContainerException e) {
            return Optional.empty();
        }
    }

    /** A symbolic link's text, from the header of its (tiny) archive; other entries as they are. */
    private TreeEntry withLinkText(String path, TreeEntry entry, CollectGuard guard) throws IOException {
        if (entry.kind() != EntryKind.SYMLINK) {
            return entry;
        }
        InputStream opened;
        try {
            opened = gateway.get().copyOut(containerId, path);
        } catch (ContainerEngineException e) {
            if (DockerErrors.unresolvableLink(e)) {
                return entry; // a loop the engine cannot even archive: a link without text
            }
            throw e;
        }
        InputStream archive = guard.attach(opened);
        try (archive; TarArchiveInputStream tar = TarArchives.reader(archive)) {
            TarArchiveEntry header = tar.getNextEntry();
            if (header == null || !header.isSymbolicLink()) {
                throw new IOException(path + " changed while it was read: the engine's stat says a symbolic link, its archive"
                        + " does not");
            }
            return new TreeEntry(entry.name(), EntryKind.SYMLINK, 0, header.getLinkName());
        } catch (IOException e) {
            throw guard.explain(e);
        } finally {
            guard.detach(archive);
        }
    }

    @Override
    public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) throws IOException {
        guard.check();
        TreeEntry top = withLinkText(path, gateway.get().statPath(containerId, path), guard);
        Admission.Verdict verdict = admission.judge(top);
        if (top.kind() == EntryKind.DIRECTORY && verdict.action() == Admission.Verdict.Action.WALK) {
            return TarEntries.of(gateway.get().copyOut(containerId, path), judgedFirst(verdict, admission), guard);
        }
        if (!verdict.wantsContent()) {
            return new SingleEntry(new CollectSource.Delivery(top, verdict, null), null);
        }
        InputStream archive = guard.attach(gateway.get().copyOut(containerId, path));
        TarArchiveInputStream tar = TarArchives.reader(guard.meter(archive));
        try {
            TarArchiveEntry header = tar.getNextEntry();
            TreeEntry read = header == null ? null : TarEntries.entryOf(header);
            if (read == null || read.kind() != EntryKind.REGULAR || read.size() != top.size()) {
                throw new IOException(path + " changed while it was read: the engine's stat says a regular file of "
                        + top.size() + " bytes, its archive " + (read == null ? "is empty" : "holds " + read.kind().description()
                        + " of " + read.size() + " bytes"));
            }
        } catch (IOException e) {
            guard.detach(archive);
            tar.close();
            throw guard.explain(e);
        } catch (RuntimeException e) {
            guard.detach(archive);
            tar.close();
            throw e;
        }
        return new SingleEntry(new CollectSource.Delivery(top, verdict, TarEntries.content(tar, guard)), () -> {
            guard.detach(archive);
            tar.close();
        });
    }

    /** {@code admission}, except that the archive's first header (the directory itself) gets {@code first}. */
    private static Admission judgedFirst(Admission.Verdict first, Admission admission) {
        boolean[] seen = {false};
        return entry -> {
            if (!seen[0]) {
                seen[0] = true;
                return first;
            }
            return admission.judge(entry);
        };
    }
}
