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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    public OutputCollector(CollectSource source, RunnerConfig config, Supplier<ObjectStore> store) {
        this.source = source;
        this.config = config;
        this.store = store;
    }


    public Map<String, Object> collect(String action, CollectRequest request, ActionContext ctx) {
        if (request.uploadToS3() && config.s3().isEmpty()) {
            throw new ActionFailedException(action, "upload_to_s3 is true but no S3 store is configured"
                    + " (configure apps.container_runner.s3: {bucket, region, endpoint, ...})");
        }
        CollectSource.Target target = source.find(action, request.containerId());
        Map<String, String> labels = target.labels();
        if (!Labels.APP.equals(labels.get(Labels.MANAGED_BY))) {
            throw new ActionFailedException(action, "container " + request.containerId()
                    + " was not created by container_runner: collect_output only reads containers it created");
        }
        if (!config.collectFromOtherRuns() && !ctx.runId().equals(labels.get(Labels.RUN))) {
            throw new ActionFailedException(action, "container " + request.containerId() + " belongs to another workflow run"
                    + " (collect_from_other_runs is false)");
        }
        if (target.running()) {
            throw new ActionFailedException(action, "container " + request.containerId() + " is still running");
        }
        ObjectStore objects = request.uploadToS3() ? store.get() : null;
        String keyBase = keyBase(request, ctx);
        List<Map<String, Object>> files = new ArrayList<>();
        boolean allOk = true;
        for (ContainerPath path : request.filePaths()) {
            List<Map<String, Object>> got = collectPath(action, request, target, path, objects, keyBase);
            for (Map<String, Object> f : got) {
                allOk &= !f.containsKey("error");
                ctx.log().line(LogSink.Stream.SYSTEM, "collected " + f.get("path") + (f.containsKey("error")
                        ? ": " + f.get("error") : " (" + f.get("size_bytes") + " bytes" + (f.containsKey("s3_url")
                        ? " -> " + f.get("s3_url") : "") + ")"));
            }
            files.addAll(got);
        }
        if (request.release()) {
            target.release();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", allOk);
        result.put("container_id", request.containerId());
        result.put("files", files);
        result.put("error", allOk ? null : "some files could not be collected: see files[].error");
        return result;
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

    private List<Map<String, Object>> collectPath(String action, CollectRequest request, CollectSource.Target target,
                                                  ContainerPath path, ObjectStore objects, String keyBase) {
        List<Map<String, Object>> out = new ArrayList<>();
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
                    out.add(error(base + "/" + e.getName(), "unsafe name in the engine's archive: " + bad.getMessage()));
                    continue;
                }
                out.add(objects != null ? upload(objects, keyBase, file, tar, e.getSize()) : inline(file, tar, e.getSize()));
            }
            if (out.isEmpty()) {
                out.add(error(path.value(), "is a directory without regular files"));
            }
        } catch (NoSuchContainerException e) {
            if (request.strict()) {
                throw new ActionFailedException(action, path + " does not exist in container " + request.containerId()
                        + " (strict: true)", e);
            }
            out.add(error(path.value(), "does not exist in the container"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from the " + (e.getMessage() == null ? "engine" : "engine: "
                    + e.getMessage()), e);
        }
        return out;
    }

    private Map<String, Object> inline(ContainerPath file, InputStream tar, long size) throws IOException {
        if (size > config.maxInlineBytes()) {
            return error(file.value(), "is " + size + " bytes, above max_inline_bytes (" + config.maxInlineBytes()
                    + "); use upload_to_s3: true");
        }
        byte[] bytes = tar.readNBytes((int) size);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", file.value());
        m.put("size_bytes", size);
        Encoded encoded = Encoded.of(bytes);
        m.put("content", encoded.text());
        m.put("encoding", encoded.encoding());
        return m;
    }

    private static Map<String, Object> upload(ObjectStore objects, String keyBase, ContainerPath file, InputStream tar, long size) {
        ObjectStore.Stored stored = objects.put(keyBase + file.value(), tar, size);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", file.value());
        m.put("size_bytes", stored.sizeBytes());
        m.put("s3_url", stored.url());
        m.put("sha256", stored.sha256());
        return m;
    }

    private static Map<String, Object> error(String path, String problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("error", path + " " + problem);
        return m;
    }
}
