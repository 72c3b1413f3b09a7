package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.OutputCapture;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.OutputFile;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.docker.DockerGateway.Attachment;
import dev.containerrunner.plugin.docker.DockerGateway.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway.ContainerState;
import dev.containerrunner.plugin.docker.DockerGateway.ImageInfo;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeMount;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.InputFile;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link RunRequest} through a {@link DockerGateway}: volumes for input/output
 * directories, a hardened container, attach before start, stdin, timeout (SIGTERM, grace,
 * SIGKILL), cancellation, OOM from the engine's state, output_file read-back, and removal of
 * everything it created in {@code finally}.
 */
public final class ContainerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final Duration AFTER_KILL = Duration.ofSeconds(15);
    /** Added to timeout + grace for the hard expiry bound: pulls, copies and slow engines. */
    private static final Duration EXPIRY_SLACK = Duration.ofMinutes(5);
    private static final int OOM_SETTLE_TRIES = 10;
    private static final Duration OOM_SETTLE_STEP = Duration.ofMillis(100);

    private final DockerGateway gateway;
    private final RunnerConfig config;
    private final java.util.function.Consumer<String> removeLater;

    public ContainerRunner(DockerGateway gateway, RunnerConfig config) {
        this(gateway, config, attempt -> { });
    }

    /** {@code removeLater} receives attempts whose removal failed, for the janitor to retry. */
    public ContainerRunner(DockerGateway gateway, RunnerConfig config, java.util.function.Consumer<String> removeLater) {
        this.gateway = gateway;
        this.config = config;
        this.removeLater = removeLater;
    }

    public RunResult run(RunRequest request, ActionContext ctx) {
        LogSink log = ctx.log();
        ImageInfo image = gateway.ensureImage(request.image().canonical(), request.pullPolicy());
        if (image.pulled()) {
            log.line(LogSink.Stream.SYSTEM, "pulled " + request.image().canonical() + " (" + image.digest() + ")");
        }
        String attemptId = UUID.randomUUID().toString();
        Instant expiresAt = Instant.now().plus(request.timeout()).plus(config.stopGrace()).plus(EXPIRY_SLACK)
                .plus(config.collectRetention());
        Map<String, String> labels = Labels.forAttempt(ctx, attemptId, expiresAt, config.collectRetention(),
                config.cleanupAfterRun());
        List<String> volumes = new ArrayList<>();
        String containerId = null;
        OutputCapture capture = new OutputCapture(config.maxOutputBytes(), log);
        Attachment output = null;
        Attachment stdin = null;
        CancellationSignal.Registration cancelRegistration = null;
        RuntimeException failure = null;
        boolean keep = false;
        try {
            Map<String, String> dirVolumes = new LinkedHashMap<>();
            for (String dir : volumeDirectories(request)) {
                String name = "container-runner-" + attemptId + "-" + volumes.size();
                volumes.add(gateway.createVolume(name, labels));
                dirVolumes.put(dir, name);
            }
            containerId = gateway.createContainer(spec(request, image, labels, dirVolumes));
            seedVolumes(containerId, request, dirVolumes.keySet());
            output = gateway.attachOutput(containerId, capture);
            if (request.inputData().isPresent()) {
                stdin = gateway.attachStdin(containerId, request.inputData().get());
            }
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            cancelRegistration = ctx.cancellation().onCancel(() -> cancelled.complete(null));
            if (cancelled.isDone()) {
                return cancelledBeforeStart(request, containerId, image);
            }
            gateway.start(containerId);
            long started = System.nanoTime();
            log.line(LogSink.Stream.SYSTEM, "started container " + shortId(containerId) + " from " + request.requestedImage()
                    + " (memory " + request.memory() + ", cpu " + request.cpu() + ", network " + request.network().wireName()
                    + ", timeout " + request.timeout().toSeconds() + "s)");
            Ending ending = awaitEnd(containerId, request.timeout(), cancelled, log);
            double seconds = Math.round((System.nanoTime() - started) / 1e6) / 1000.0;
            if (!output.awaitEnd(DRAIN)) {
                log.line(LogSink.Stream.SYSTEM, "output did not end within " + DRAIN.toSeconds() + " s after exit; closing it");
            }
            ContainerState state = settledState(containerId, ending);
            Long exitCode = state.exitCode() != null ? state.exitCode() : ending.exitCode();
            RunResult result = result(request, containerId, image, capture, exitCode, seconds, ending, state.oomKilled());
            keep = !ending.cancelled() && !(config.cleanupAfterRun() && config.collectRetention().isZero());
            return result;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            closeAll(stdin, output, cancelRegistration);
            if (keep) {
                log.line(LogSink.Stream.SYSTEM, "keeping container " + shortId(containerId) + " for collect_output: removed "
                        + (config.cleanupAfterRun() ? "when the workflow run ends or " : "") + "at most "
                        + config.collectRetention().toSeconds() + " s after it exited");
            } else {
                if (!cleanUp(containerId, volumes, log, failure)) {
                    removeLater.accept(attemptId);
                }
            }
        }
    }

    /**
     * The container's final state. The engine records an OOM kill from an event that can arrive
     * just after the exit (seen here with cgroup v1: exit 137 and {@code OOMKilled=false} at first),
     * so a SIGKILL we did not send is re-inspected briefly before it is reported as not an OOM.
     */
    private ContainerState settledState(String containerId, Ending ending) {
        ContainerState state = gateway.inspect(containerId);
        for (int i = 0; i < OOM_SETTLE_TRIES && !state.oomKilled() && !ending.timedOut() && !ending.cancelled()
                && Long.valueOf(137).equals(state.exitCode()); i++) {
            try {
                Thread.sleep(OOM_SETTLE_STEP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            state = gateway.inspect(containerId);
        }
        return state;
    }

    /** Directories mounted from per-run volumes: those of input_file and output_file, and writable_dirs. */
    private static List<String> volumeDirectories(RunRequest request) {
        List<String> dirs = new ArrayList<>();
        request.inputFile().ifPresent(f -> dirs.add(f.path().parent()));
        request.outputFile().ifPresent(p -> {
            if (!dirs.contains(p.parent())) {
                dirs.add(p.parent());
            }
        });
        for (ContainerPath dir : request.writableDirs()) {
            if (!dirs.contains(dir.value())) {
                dirs.add(dir.value());
            }
        }
        return dirs;
    }

    private ContainerSpec spec(RunRequest request, ImageInfo image, Map<String, String> labels, Map<String, String> dirVolumes) {
        List<VolumeMount> mounts = new ArrayList<>();
        dirVolumes.forEach((dir, volume) -> mounts.add(new VolumeMount(volume, dir)));
        List<String> cmd = request.args().isEmpty() ? null : request.args();
        return new ContainerSpec(image.id(), request.command().orElse(null), cmd, request.environment(), config.user(),
                request.memory().bytes(), Math.round(request.cpu() * 1e9), config.pidsLimit(),
                request.network().wireName(), request.inputData().isPresent(), config.readOnlyRootFilesystem(), mounts,
                labels, config.runtime().orElse(null), config.engineLogs());
    }

    /**
     * Makes each mounted directory owned by the container user (so it can write output there) and
     * puts input_file in place. The owner of a directory can only be set from its parent; under a
     * read-only root filesystem the parent cannot be written, so there the output file is created
     * empty, owned by the user, and must be written in place.
     */
    private void seedVolumes(String containerId, RunRequest request, Iterable<String> dirs) {
        int[] ids = userIds();
        for (String dir : dirs) {
            List<TarArchives.Entry> files = new ArrayList<>();
            request.inputFile().filter(f -> f.path().parent().equals(dir))
                    .ifPresent(f -> files.add(new TarArchives.Entry(f.path().fileName(), f.content())));
            ContainerPath mount = new ContainerPath(dir);
            if (config.readOnlyRootFilesystem()) {
                request.outputFile().filter(o -> o.parent().equals(dir) && request.inputFile().map(InputFile::path)
                                .filter(o::equals).isEmpty())
                        .ifPresent(o -> files.add(new TarArchives.Entry(o.fileName(), new byte[0])));
                gateway.copyInto(containerId, dir, TarArchives.ownedFiles(ids[0], ids[1], null, files));
            } else {
                gateway.copyInto(containerId, mount.parent(), TarArchives.ownedFiles(ids[0], ids[1], mount.fileName(), files));
            }
        }
    }

    private int[] userIds() {
        String[] parts = config.user().split(":");
        int uid = Integer.parseInt(parts[0]);
        return new int[] {uid, parts.length > 1 ? Integer.parseInt(parts[1]) : uid};
    }

    /** How the wait ended. */
    private record Ending(Long exitCode, boolean timedOut, boolean cancelled) {
    }

    private Ending awaitEnd(String containerId, Duration timeout, CompletableFuture<Void> cancelled, LogSink log) {
        CompletableFuture<Long> exit = gateway.awaitExit(containerId);
        try {
            CompletableFuture.anyOf(exit, cancelled).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // decided below from the futures themselves: still running, or the wait failed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled.complete(null);
        }
        if (exit.isCompletedExceptionally()) {
            throw failureOf(exit);
        }
        if (exit.isDone()) {
            return new Ending(exit.join(), false, false);
        }
        boolean byCancel = cancelled.isDone();
        log.line(LogSink.Stream.SYSTEM, (byCancel ? "task cancelled" : "timeout after " + timeout.toSeconds() + " s")
                + ": sending SIGTERM, SIGKILL after " + config.stopGrace().toSeconds() + " s");
        gateway.stop(containerId, config.stopGrace());
        Long code = waitQuietly(exit, config.stopGrace().plus(AFTER_KILL));
        if (code == null) {
            gateway.kill(containerId);
            code = waitQuietly(exit, AFTER_KILL);
        }
        exit.cancel(false);
        return new Ending(code, !byCancel, byCancel);
    }

    private static Long waitQuietly(CompletableFuture<Long> exit, Duration max) {
        try {
            return exit.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Why a failed future failed, as an unchecked exception. */
    private static RuntimeException failureOf(CompletableFuture<?> failed) {
        Throwable cause;
        try {
            failed.join();
            return new IllegalStateException("the wait for the container did not fail");
        } catch (java.util.concurrent.CompletionException e) {
            cause = e.getCause();
        }
        return cause instanceof RuntimeException r ? r : new ContainerEngineException("wait", String.valueOf(cause), cause);
    }

    private RunResult result(RunRequest request, String containerId, ImageInfo image, OutputCapture capture, Long exitCode,
                             double seconds, Ending ending, boolean oomKilled) {
        OutputFile outputFile = null;
        if (request.outputFile().isPresent() && !ending.cancelled()) {
            outputFile = OutputFile.read(request.outputFile().get(),
                    () -> gateway.copyOut(containerId, request.outputFile().get().value()), config.maxOutputFileBytes());
        }
        RunVerdict verdict = new RunVerdict(ending.cancelled(), ending.timedOut(), oomKilled, exitCode, capture.error(),
                outputFile == null ? null : outputFile.problem());
        return RunResult.builder(containerId, request.reportsOutputFile())
                .image(request.requestedImage(), image.digest())
                .output(capture, false)
                .durationSeconds(seconds)
                .outputFile(outputFile)
                .verdict(verdict, verdict.error(RunVerdict.Wording.DOCKER, request.timeout(), config.stopGrace(), request.memory()))
                .build();
    }

    private RunResult cancelledBeforeStart(RunRequest request, String containerId, ImageInfo image) {
        return RunResult.builder(containerId, request.reportsOutputFile()).image(request.requestedImage(), image.digest())
                .cancelledBeforeStart().build();
    }

    private static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing {} failed", c, e);
                }
            }
        }
    }

    /** Removes the container and volumes; false when something could not be removed. */
    private boolean cleanUp(String containerId, List<String> volumes, LogSink log, RuntimeException failure) {
        List<Runnable> steps = new ArrayList<>();
        if (containerId != null) {
            String id = containerId;
            steps.add(() -> gateway.removeContainer(id));
        }
        for (String v : volumes) {
            steps.add(() -> gateway.removeVolume(v));
        }
        boolean clean = true;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                clean = false;
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    LOG.warn("cleanup failed (the janitor retries): {}", e.getMessage(), e);
                    log.line(LogSink.Stream.SYSTEM, "cleanup failed (the janitor retries): " + e.getMessage());
                }
            }
        }
        return clean;
    }

    static String shortId(String id) {
        return id == null ? "-" : id.substring(0, Math.min(12, id.length()));
    }
}
