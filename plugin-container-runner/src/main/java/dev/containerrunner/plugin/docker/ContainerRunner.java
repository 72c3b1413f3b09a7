package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.ContainerWatch.Ending;
import dev.containerrunner.plugin.docker.DockerGateway.Attachment;
import dev.containerrunner.plugin.docker.ContainerSpec;
import dev.containerrunner.plugin.docker.DockerGateway.ContainerState;
import dev.containerrunner.plugin.docker.DockerGateway.ImageInfo;
import dev.containerrunner.plugin.execution.AttemptTracker;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.OutputCapture;
import dev.containerrunner.plugin.execution.OutputFile;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunResultBuilder;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.execution.UsageReport;
import dev.containerrunner.plugin.execution.UsageSamples;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.telemetry.ActionTrace;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link RunRequest} through a {@link DockerGateway}, in order: the image, the {@code inputs}
 * looked up ({@link DockerInputs}), the per-run volumes ({@link RunVolumes}), a hardened container
 * (wrapped in the secrets shim when the run has secrets: {@link SecretDelivery}), the inputs streamed
 * into it and verified before it may start, attach before start, stdin, the wait to the
 * end ({@link ContainerWatch}: timeout, cancellation, OOM) while the engine's stats are read for the
 * result's usage ({@link DockerStats}), output_file read-back, and removal of
 * everything it created in {@code finally} unless it is kept for collect_output.
 *
 * @apiNote Thread-safe: one runner serves one run, and runs share only the gateway.
 */
public final class ContainerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    /** Added to timeout + grace for the hard expiry bound: pulls, copies and slow engines. */
    private static final Duration EXPIRY_SLACK = Duration.ofMinutes(5);

    private final DockerGateway gateway;
    private final RunnerConfig config;
    private final AttemptTracker attempts;
    private final ContainerWatch watch;
    private final InputSource inputs;

    /** A runner whose failed removals are left to the janitor's next sweep. */
    public ContainerRunner(DockerGateway gateway, RunnerConfig config) {
        this(gateway, config, AttemptTracker.NONE);
    }

    /** {@code attempts} learns of each attempt in flight and of removals that failed (for the reaper). */
    public ContainerRunner(DockerGateway gateway, RunnerConfig config, AttemptTracker attempts) {
        this(gateway, config, attempts, new InputSource(() -> {
            throw new IllegalStateException("no S3 store is configured");
        }));
    }

    /** As above, reading {@code inputs} from {@code inputs}. */
    public ContainerRunner(DockerGateway gateway, RunnerConfig config, AttemptTracker attempts, InputSource inputs) {
        this.gateway = gateway;
        this.config = config;
        this.attempts = attempts;
        this.watch = new ContainerWatch(gateway, config.stopGrace());
        this.inputs = inputs;
    }

    /**
     * Runs {@code request} to its end and says how it went; a non-zero exit, a timeout, an OOM kill
     * or a cancellation is a result, not an exception.
     *
     * @throws ImageNotAvailableException when the image is missing and cannot be pulled
     * @throws ContainerEngineException   when the engine fails or cannot be reached (whatever was
     *                                    created is removed; a failed removal is attached as suppressed)
     */
    public RunResult run(RunRequest request, ActionContext ctx) {
        return run(request, RunSecrets.none(), ctx);
    }

    /**
     * {@link #run(RunRequest, ActionContext)} with {@code secrets} delivered ({@link SecretDelivery})
     * and redacted from the output and output_file.
     */
    public RunResult run(RunRequest request, RunSecrets secrets, ActionContext ctx) {
        try (SecretDelivery delivery = new SecretDelivery(gateway, request, secrets)) {
            return run(request, secrets, delivery, ctx);
        }
    }

    private RunResult run(RunRequest request, RunSecrets secrets, SecretDelivery delivery, ActionContext ctx) {
        LogSink log = ctx.log();
        ActionTrace trace = ActionTrace.current();
        ImageInfo image;
        long pullStart = System.nanoTime();
        trace.phase("pull");
        try {
            image = gateway.ensureImage(request.image().canonical(), request.pullPolicy());
            trace.endPhase();
        } catch (ImageNotAvailableException e) {
            trace.phaseFailed(e);
            if (ctx.cancellation().isCancelled()) { // cancelled while the image was being pulled: nothing ran
                return RunResult.builder(null, request.reportsOutputFile()).image(request.requestedImage(), null)
                        .attempt(ctx.attempt()).cancelledBeforeStart().build();
            }
            throw e;
        }
        delivery.prepare(image.id());
        String digest = image.digestOf(request.image().repository());
        trace.imageResolved(image.id(), digest);
        if (image.pulled()) {
            trace.pulled(System.nanoTime() - pullStart);
            log.line(LogSink.Stream.SYSTEM, "pulled " + request.image().canonical() + " (" + digest + ")");
        }
        String attemptId = UUID.randomUUID().toString();
        Instant expiresAt = Instant.now().plus(request.timeout()).plus(config.stopGrace()).plus(EXPIRY_SLACK)
                .plus(config.collectRetention());
        Map<String, String> labels = Labels.forAttempt(ctx, attemptId, expiresAt, config.collectRetention(),
                config.cleanupAfterRun());
        if (delivery.active()) {
            labels.put(Labels.SECRETS, secrets.labelValue());
        }
        RunVolumes volumes = new RunVolumes(gateway, config, request);
        DockerInputs inputDelivery = new DockerInputs(gateway, inputs, request, ctx.cancellation());
        String containerId = null;
        OutputCapture capture = new OutputCapture(config.maxOutputBytes(), log, secrets.redactor());
        Attachment output = null;
        Attachment stdin = null;
        DockerGateway.StatsStream stats = null;
        CancellationSignal.Registration cancelRegistration = null;
        RuntimeException failure = null;
        boolean keep = false;
        AttemptTracker.Hold hold = attempts.begin(attemptId); // retention begins at the hand-back, below
        try {
            inputDelivery.resolve(); // before anything is created: a missing object leaves nothing behind
            trace.phase("create");
            volumes.create(attemptId, labels);
            delivery.createVolume(attemptId, labels);
            containerId = gateway.createContainer(spec(request, image, labels, volumes, delivery));
            trace.container(containerId);
            volumes.seed(containerId);
            inputDelivery.deliver(containerId); // every object verified before the container may start
            delivery.seed(containerId);
            output = gateway.attachOutput(containerId, capture);
            Optional<byte[]> in = delivery.stdin();
            if (in.isPresent()) {
                stdin = gateway.attachStdin(containerId, in.get());
            }
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            cancelRegistration = ctx.cancellation().onCancel(() -> cancelled.complete(null));
            if (cancelled.isDone()) {
                return RunResult.builder(containerId, request.reportsOutputFile()).image(request.requestedImage(), digest)
                        .attempt(ctx.attempt()).cancelledBeforeStart().build();
            }
            trace.phase("run");
            start(containerId, request);
            long started = System.nanoTime();
            UsageSamples usage = new UsageSamples(started);
            stats = openStats(containerId, usage);
            log.line(LogSink.Stream.SYSTEM, "started container " + shortId(containerId) + " from " + request.requestedImage()
                    + " (memory " + request.memory() + ", cpu " + request.cpu() + ", network " + request.network().wireName()
                    + ", timeout " + request.timeout().toSeconds() + "s)");
            Ending ending = watch.awaitEnd(containerId, request.timeout(), cancelled, log);
            double seconds = Math.round((System.nanoTime() - started) / 1e6) / 1000.0;
            usage.close();
            Quietly.closeAll(stats);
            trace.phase("collect");
            if (!output.awaitEnd(DRAIN)) {
                log.line(LogSink.Stream.SYSTEM, "output did not end within " + DRAIN.toSeconds() + " s after exit; closing it");
            }
            ContainerState state = watch.settledState(containerId, ending);
            Long exitCode = state.exitCode() != null ? state.exitCode() : ending.exitCode();
            UsageReport used = usage.report(seconds, request.cpu(), request.memory().bytes(), state.oomKilled());
            if (usage.failure().isPresent()) {
                LOG.warn("no resource usage for container {} (stats_failed): {}", shortId(containerId), usage.failure().get().toString());
            }
            RunResult result = result(request, containerId, digest, capture, exitCode, seconds, ending, state.oomKilled(),
                    secrets, ctx.attempt(), inputDelivery).usage(used).build();
            keep = !ending.cancelled() && !(config.cleanupAfterRun() && config.collectRetention().isZero());
            return result;
        } catch (RuntimeException e) {
            trace.phaseFailed(e);
            failure = e;
            throw e;
        } finally {
            trace.endPhase();
            trace.outputBytes("stdout", capture.stdout().totalBytes());
            trace.outputBytes("stderr", capture.stderr().totalBytes());
            try {
                Quietly.closeAll(stdin, output, cancelRegistration, stats);
                if (keep) {
                    log.line(LogSink.Stream.SYSTEM, "keeping container " + shortId(containerId) + " for collect_output: removed "
                            + (config.cleanupAfterRun() ? "when the workflow run ends or " : "") + "at most "
                            + config.collectRetention().toSeconds() + " s after this result");
                } else if (!RunCleanup.removeAll(gateway, containerId, concat(volumes.created(), delivery.volumes()), log, failure)) {
                    attempts.removeLater(attemptId);
                }
            } finally {
                hold.close();
            }
        }
    }

    private ContainerSpec spec(RunRequest request, ImageInfo image, Map<String, String> labels, RunVolumes volumes,
                               SecretDelivery delivery) {
        return new ContainerSpec(image.id(), delivery.entrypoint(), delivery.cmd(), request.environment(),
                request.user().toString(), request.memory().bytes(), Math.round(request.cpu() * 1e9), config.pidsLimit(),
                request.network().wireName(), delivery.opensStdin(), config.readOnlyRootFilesystem(),
                concat(volumes.mounts(), delivery.mounts()), labels, config.runtime().orElse(null), delivery.engineLogs(config),
                request.workingDir().map(ContainerPath::value).orElse(null), request.shmSize().map(MemorySize::bytes).orElse(null),
                request.ulimits(), delivery.tmpfs());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return b.isEmpty() ? a : java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /**
     * Starts the container; a refused start names the ulimits when the runtime could not set them
     * (a hard limit above the engine's own: runc says "error setting rlimit").
     */
    private void start(String containerId, RunRequest request) {
        try {
            gateway.start(containerId);
        } catch (ContainerEngineException e) {
            if (request.ulimits().isEmpty() || !String.valueOf(e.getMessage()).contains("rlimit")) {
                throw e;
            }
            String reason = e.getMessage().substring(e.operation().length() + 2);
            throw new ContainerEngineException(e.operation(), reason + " (ulimits " + request.ulimits()
                    + ": the runtime could not set them; a hard limit above the engine's own needs CAP_SYS_RESOURCE on the"
                    + " host: lower it, and max_ulimits with it)", e, e.failureReason().orElse(null));
        }
    }

    /**
     * The container's stats stream into {@code usage}; null when it cannot start, which {@code usage}
     * is told as its stream's failure (usage reported as {@code stats_failed}; the run goes on).
     */
    private DockerGateway.StatsStream openStats(String containerId, UsageSamples usage) {
        try {
            return gateway.streamStats(containerId, usage);
        } catch (ContainerEngineException e) {
            usage.failed(e);
            return null;
        }
    }

    private RunResultBuilder result(RunRequest request, String containerId, String digest, OutputCapture capture, Long exitCode,
                             double seconds, Ending ending, boolean oomKilled, RunSecrets secrets,
                             int attempt, DockerInputs delivered) {
        OutputFile outputFile = null;
        if (request.outputFile().isPresent() && !ending.cancelled()) {
            outputFile = OutputFile.read(request.outputFile().get(), new DockerRunFiles(() -> gateway, containerId,
                    config.runtime(), () -> RunVolumes.directories(request)), config.maxOutputFileBytes(), CancellationSignal.never(),
                    config.collectLimits().timeout(), secrets.redactor());
        }
        RunVerdict verdict = new RunVerdict(ending.cancelled(), ending.timedOut(), oomKilled, exitCode, capture.error(), null,
                null).withOutputFile(outputFile);
        return RunResult.builder(containerId, request.reportsOutputFile())
                .attempt(attempt)
                .image(request.requestedImage(), digest)
                .output(capture, false)
                .durationSeconds(seconds)
                .outputFile(outputFile)
                .inputs(delivered.delivered())
                .verdict(verdict, verdict.error(RunVerdict.Wording.DOCKER, request.timeout(), config.stopGrace(), request.memory()));
    }

    private static String shortId(String id) {
        return id == null ? "-" : id.substring(0, Math.min(12, id.length()));
    }
}
