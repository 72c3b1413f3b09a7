package dev.containerrunner.plugin.execution;

import static dev.containerrunner.spi.FailureReason.INVALID_REQUEST;

import dev.containerrunner.plugin.config.CollectLimits;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.config.SecretUnavailableException;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.SecretRefs;
import dev.containerrunner.plugin.s3.ObjectStore;
import dev.containerrunner.plugin.s3.ObjectStoreException;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.LogSink;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * collect_output: reads files from a container the runner created (checked by label, and by run
 * unless {@code collect_from_other_runs}), streaming each from the engine's archive API (or the
 * pod's keeper) either into the result (up to {@code max_inline_bytes} per file and
 * {@code max_inline_total_bytes} per action) or to the object store. Each entry is handled by its
 * type ({@link TreeReader}). A file too large to inline is an error for that file, with its size,
 * never a truncated file. From a run that had secrets, what comes back inline follows
 * {@link FileRedaction} (uploads to S3 are the bytes as they are).
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
     * line per file (container-chosen names neutralised), within the action's budget
     * ({@link CollectBudget}: {@code max_inline_bytes}, {@code max_inline_total_bytes},
     * {@code max_collect_entries}) and guard ({@link CollectGuard}: {@code collect_timeout_seconds},
     * {@code max_collect_skip_bytes}, cancellation), and releases the run afterwards when asked to
     * (also when the collect failed or was cancelled).
     *
     * @return every file, or its error entry; cancelled or out of time: what was collected so far,
     *         an error entry for each path not read, and {@code success: false} with the reason
     * @throws ActionFailedException when the run cannot be collected from (unknown, foreign, another
     *         run's, still running; no S3 store for an upload: {@code invalid_request}), or a path is
     *         missing with {@code strict} ({@code not_found})
     * @throws ContainerEngineException when reading from the engine or cluster fails midway ({@code read_failed})
     * @apiNote Thread-safe when its source and store are.
     */
    public CollectResult collect(String action, CollectRequest request, ActionContext ctx) {
        if (request.uploadToS3() && config.s3().isEmpty()) {
            throw new ActionFailedException(action, "upload_to_s3 is true but no S3 store is configured"
                    + " (configure apps.container_runner.s3: {bucket, region, endpoint, ...})", null, INVALID_REQUEST);
        }
        CollectSource.Target target = source.find(action, request.containerId());
        RunLabels labels = RunLabels.of(target.labels());
        if (!labels.managed()) {
            throw new ActionFailedException(action, "container " + request.containerId()
                    + " was not created by container_runner: collect_output only reads containers it created", null, INVALID_REQUEST);
        }
        if (!config.collectFromOtherRuns() && !ctx.runId().equals(labels.run())) {
            throw new ActionFailedException(action, "container " + request.containerId() + " belongs to another workflow run"
                    + " (collect_from_other_runs is false)", null, INVALID_REQUEST);
        }
        if (target.running()) {
            throw new ActionFailedException(action, "container " + request.containerId() + " is still running", null,
                    INVALID_REQUEST);
        }
        try (RunSecrets secrets = secretsOf(action, target)) {
            try {
                return collectFrom(action, target, request, secrets.redacting(ctx), secrets.redactor());
            } catch (RuntimeException e) {
                throw secrets.scrub(e);
            }
        } finally {
            if (request.release()) {
                target.release();
            }
        }
    }

    /**
     * The values of the secrets the run used (named by its {@link Labels#SECRETS} label), read now,
     * to redact what is returned: a run's secret must be readable for its files to be collected.
     */
    private RunSecrets secretsOf(String action, CollectSource.Target target) {
        List<String> names = RunSecrets.namesIn(target.labels());
        try {
            return RunSecrets.read(config.secrets(), new SecretRefs(names, java.util.Map.of()));
        } catch (SecretUnavailableException e) {
            throw new ActionFailedException(action, "nothing was collected: the run used secrets " + names + " and "
                    + e.getMessage() + "; without its value what the container wrote cannot be checked for it", e);
        }
    }

    private CollectResult collectFrom(String action, CollectSource.Target target, CollectRequest request, ActionContext ctx,
                                      Redactor redactor) {
        ObjectStore objects = request.uploadToS3() ? store.get() : null;
        CollectLimits limits = config.collectLimits();
        CollectBudget budget = CollectBudget.forCollect(objects != null, config.maxInlineBytes(), limits.maxInlineTotalBytes(),
                limits.maxEntries());
        List<CollectedFile> files = new ArrayList<>();
        CollectAbortedException stopped = null;
        try (CollectGuard guard = CollectGuard.start(ctx.cancellation(), limits.timeout(), limits.maxSkipBytes())) {
            TreeReader reader = new TreeReader(target, budget, guard, objects != null
                    ? new Uploads(objects, keyBase(request, ctx), guard) : Inline.sink(redactor));
            for (ContainerPath path : request.filePaths()) {
                List<CollectedFile> got;
                if (stopped != null) {
                    got = List.of(CollectedFile.Failed.of(path.value(), stopped.reason(), "was not read: " + stopped.getMessage()));
                } else {
                    got = FileRedaction.paths(read(action, request, reader, path, target.absenceNote()), redactor);
                    stopped = reader.stopped();
                }
                for (CollectedFile f : got) {
                    ctx.log().line(LogSink.Stream.SYSTEM, "collected " + LogText.neutralize(f.summary()));
                }
                files.addAll(got);
            }
        }
        if (stopped != null) {
            return CollectResult.stopped(request.containerId(), files, action + " stopped: " + stopped.getMessage()
                    + "; the files listed before that were collected, the others were not read", stopped.reason().failureReason());
        }
        return CollectResult.of(request.containerId(), files);
    }

    private List<CollectedFile> read(String action, CollectRequest request, TreeReader reader, ContainerPath path,
                                     String absenceNote) {
        try {
            return reader.read(path.value());
        } catch (NoSuchContainerException e) {
            String problem = e instanceof OutsideRunDirectoriesException outside ? outside.problem() : null;
            if (request.strict()) {
                throw new ActionFailedException(action, path + (problem != null ? " " + problem + " (container "
                        + request.containerId() + ")" : " does not exist in container " + request.containerId()) + " (strict: true)"
                        + (problem != null ? "" : absenceNote), e, dev.containerrunner.spi.FailureReason.NOT_FOUND);
            }
            return List.of(CollectedFile.Failed.of(path.value(), CollectedFile.Reason.NOT_FOUND,
                    problem != null ? problem : "does not exist in the container" + absenceNote));
        } catch (IOException e) {
            throw new ContainerEngineException(action, "reading " + path + " from the " + (e.getMessage() == null ? "engine"
                    : "engine: " + e.getMessage()), e, FailureReason.READ_FAILED);
        }
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

    /** Files into the result: exactly their bytes, as text or base64 (secret values aside: {@link FileRedaction}). */
    static final class Inline {
        static final TreeReader.Sink SINK = (path, size, content) -> take(path, size, content, Redactor.none());

        private Inline() {
        }

        /** The sink for a run whose secret values {@code redactor} knows. */
        static TreeReader.Sink sink(Redactor redactor) {
            return redactor.isEmpty() ? SINK : (path, size, content) -> take(path, size, content, redactor);
        }

        private static CollectedFile take(String path, long size, InputStream content, Redactor redactor) throws IOException {
            byte[] bytes = content.readNBytes((int) size);
            if (bytes.length != size) {
                return CollectedFile.Failed.of(path, CollectedFile.Reason.READ_FAILED, "was cut short: the archive ended after "
                        + bytes.length + " of its " + size + " bytes");
            }
            Encoded encoded = Encoded.of(bytes);
            return redactor.isEmpty() ? new CollectedFile.Inline(path, size, encoded)
                    : FileRedaction.checked(path, size, bytes, encoded, redactor);
        }
    }

    /** Files streamed to the object store under {@code keyBase + path}. */
    private record Uploads(ObjectStore objects, String keyBase, CollectGuard guard) implements TreeReader.Sink {
        @Override
        public CollectedFile take(String path, long size, InputStream content) {
            try {
                ObjectStore.Stored stored = objects.put(keyBase + path, content, size);
                return new CollectedFile.Uploaded(path, stored.sizeBytes(), stored.url(), stored.sha256());
            } catch (ObjectStoreException e) {
                guard.check();
                return CollectedFile.Failed.of(path, CollectedFile.Reason.UPLOAD_FAILED, size, "could not be uploaded: "
                        + e.getMessage());
            }
        }
    }
}
