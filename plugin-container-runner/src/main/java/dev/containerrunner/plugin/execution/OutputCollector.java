package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.s3.ObjectStore;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.LogSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * collect_output: reads files from a container the runner created (checked by label, and by run
 * unless {@code collect_from_other_runs}), streaming each from the engine's archive API either into
 * the result (up to {@code max_inline_bytes}) or to the object store. A directory yields its
 * regular files. A file too large to inline is an error for that file, never a truncated file.
 */
public final class OutputCollector {

    private final CollectSource source;
    private final RunnerConfig config;
    private final Supplier<ObjectStore> store;

    /** @param store the object store, asked for only when a request uploads */
    public OutputCollector(CollectSource source, RunnerConfig config, Supplier<ObjectStore> store) {
        this.source = source;
        this.config = config;
        this.store = store;
    }

    /**
     * Collects {@code request.filePaths()} from the run {@code request.containerId()}, logging one
     * line per file, and releases the run afterwards when asked to.
     *
     * @throws ActionFailedException when the run cannot be collected from (unknown, foreign, another
     *         run's, still running; no S3 store for an upload; a missing path with {@code strict})
     * @throws UncheckedIOException  when reading from the engine or cluster fails midway
     * @apiNote Thread-safe when its source and store are.
     */
    public CollectResult collect(String action, CollectRequest request, ActionContext ctx) {
        if (request.uploadToS3() && config.s3().isEmpty()) {
            throw new ActionFailedException(action, "upload_to_s3 is true but no S3 store is configured"
                    + " (configure apps.container_runner.s3: {bucket, region, endpoint, ...})");
        }
        CollectSource.Target target = source.find(action, request.containerId());
        RunLabels labels = RunLabels.of(target.labels());
        if (!labels.managed()) {
            throw new ActionFailedException(action, "container " + request.containerId()
                    + " was not created by container_runner: collect_output only reads containers it created");
        }
        if (!config.collectFromOtherRuns() && !ctx.runId().equals(labels.run())) {
            throw new ActionFailedException(action, "container " + request.containerId() + " belongs to another workflow run"
                    + " (collect_from_other_runs is false)");
        }
        if (target.running()) {
            throw new ActionFailedException(action, "container " + request.containerId() + " is still running");
        }
        ObjectStore objects = request.uploadToS3() ? store.get() : null;
        String keyBase = keyBase(request, ctx);
        List<CollectedFile> files = new ArrayList<>();
        for (ContainerPath path : request.filePaths()) {
            List<CollectedFile> got = collectPath(action, request, target, path, objects, keyBase);
            for (CollectedFile f : got) {
                ctx.log().line(LogSink.Stream.SYSTEM, "collected " + f.summary());
            }
            files.addAll(got);
        }
        if (request.release()) {
            target.release();
        }
        return CollectResult.of(request.containerId(), files);
    }

    private String keyBase(CollectRequest request, ActionContext ctx) {
        StringBuilder key = new StringBuilder();
        request.s3Prefix().ifPresent(p -> key.append(p).append('/'));
        key.append(segment(ctx.workflowName())).append('/').append(segment(ctx.runId())).append('/')
                .append(segment(ctx.taskId()));
        return key.toString();
    }

    private static String segment(String s) {
        String safe = s.replaceAll("[^A-Za-z0-9!_.*'()=-]", "_");
        return safe.equals(".") || safe.equals("..") ? "_" : safe;
    }

    private List<CollectedFile> collectPath(String action, CollectRequest request, CollectSource.Target target,
                                            ContainerPath path, ObjectStore objects, String keyBase) {
        List<CollectedFile> out = new ArrayList<>();
        try (InputStream archive = target.archive(path.value());
             TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            String base = path.parent().equals("/") ? "" : path.parent();
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (!e.isFile()) {
                    continue; // directories are walked; links and devices are not files to collect
                }
                ContainerPath file;
                try {
                    file = new ContainerPath(base + "/" + e.getName());
                } catch (IllegalArgumentException bad) {
                    out.add(CollectedFile.Failed.of(base + "/" + e.getName(), "unsafe name in the engine's archive: " + bad.getMessage()));
                    continue;
                }
                out.add(objects != null ? upload(objects, keyBase, file, tar, e.getSize()) : inline(file, tar, e.getSize()));
            }
            if (out.isEmpty()) {
                out.add(CollectedFile.Failed.of(path.value(), "is a directory without regular files"));
            }
        } catch (NoSuchContainerException e) {
            if (request.strict()) {
                throw new ActionFailedException(action, path + " does not exist in container " + request.containerId()
                        + " (strict: true)", e);
            }
            out.add(CollectedFile.Failed.of(path.value(), "does not exist in the container"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from the " + (e.getMessage() == null ? "engine" : "engine: "
                    + e.getMessage()), e);
        }
        return out;
    }

    private CollectedFile inline(ContainerPath file, InputStream tar, long size) throws IOException {
        if (size > config.maxInlineBytes()) {
            return CollectedFile.Failed.of(file.value(), "is " + size + " bytes, above max_inline_bytes ("
                    + config.maxInlineBytes() + "); use upload_to_s3: true");
        }
        return new CollectedFile.Inline(file.value(), size, Encoded.of(tar.readNBytes((int) size)));
    }

    private static CollectedFile upload(ObjectStore objects, String keyBase, ContainerPath file, InputStream tar, long size) {
        ObjectStore.Stored stored = objects.put(keyBase + file.value(), tar, size);
        return new CollectedFile.Uploaded(file.value(), stored.sizeBytes(), stored.url(), stored.sha256());
    }
}
