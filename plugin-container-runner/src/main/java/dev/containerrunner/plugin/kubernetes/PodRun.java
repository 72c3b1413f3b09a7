package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.AttemptTracker;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.OutputCapture;
import dev.containerrunner.plugin.execution.OutputFile;
import dev.containerrunner.plugin.execution.RunOutcome;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.execution.UsageReport;
import dev.containerrunner.plugin.execution.UsageUnavailable;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.NetworkMode;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.telemetry.ActionTrace;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One run on Kubernetes, orchestrated: creates the Job (paused), its Secrets (a small input_file, image
 * pull, the run's secrets: {@link SecretObjects}) and NetworkPolicy and releases it ({@link JobControl}); streams
 * larger inputs into its pod ({@link InputDelivery}); watches the pod until the main container ended, timed out or
 * was cancelled ({@link PodWatch}) while following its log and feeding stdin ({@link PodStreams});
 * builds the result; and deletes everything in {@code finally} unless the run is kept for
 * collect_output.
 *
 * @apiNote Thread-safe: each {@link #run} call has its own state.
 */
final class PodRun {

    /** Terminated reasons of a container the runtime did not start: dockershim's and containerd's. */
    private static final Set<String> COULD_NOT_START = Set.of("ContainerCannotRun", "StartError");

    private final KubernetesClient client;
    private final String namespace;
    private final RunnerConfig config;
    private final AttemptTracker attempts;
    private final PodCache pods;
    private final JobControl jobs;

    PodRun(KubernetesClient client, String namespace, RunnerConfig config, AttemptTracker attempts, PodCache pods) {
        this.client = client;
        this.namespace = namespace;
        this.config = config;
        this.attempts = attempts;
        this.pods = pods;
        this.jobs = new JobControl(client, namespace);
    }

    /**
     * Runs {@code request} to its end.
     *
     * @throws ContainerEngineException when the API fails or the pod cannot start or run
     * @throws dev.containerrunner.plugin.execution.ImageNotAvailableException when the node cannot get an image
     */
    RunResult run(RunRequest request, RunSecrets secrets, ActionContext ctx) {
        return run(request, secrets, ctx, InputStreams.of(request));
    }

    /**
     * Runs {@code request} to its end, {@code streamed} streamed into its pod before the main
     * container starts (each inside one of the run's directories); the seam for inputs from other
     * sources than input_file.
     *
     * @throws ContainerEngineException as above, and ({@code engine_error}) when an input did not land exactly
     */
    RunResult run(RunRequest request, RunSecrets secrets, ActionContext ctx, List<StreamedInput> streamed) {
        return new Attempt(request, secrets, ctx, streamed).run();
    }

    /**
     * Deletes a run's Job, pods (with {@code grace}, whole seconds), Secret and NetworkPolicy, the
     * Job first so that no pod is replaced ({@link JobControl#deleteRun}); used by every path that
     * ends a run (cleanup, collect_output's release, the janitor, close).
     *
     * @throws KubernetesClientException when the API fails
     */
    static void deleteRun(KubernetesClient client, String namespace, String attempt, Duration grace) {
        new JobControl(client, namespace).deleteRun(attempt, grace);
    }

    /** The state of one run. */
    private final class Attempt implements PodWatch.Events {
        private final RunRequest request;
        private final RunSecrets secrets;
        private final ActionContext ctx;
        private final LogSink log;
        private final String attempt = UUID.randomUUID().toString().replace("-", "");
        private final OutputCapture capture;
        private final PodWatch watch;
        private final PodStreams streams;
        private boolean inputSecretPending;
        private boolean runSecretPending;
        private final List<StreamedInput> streamed;
        private InputDelivery inputs;

        Attempt(RunRequest request, RunSecrets secrets, ActionContext ctx, List<StreamedInput> streamed) {
            this.request = request;
            this.streamed = streamed;
            this.secrets = secrets;
            this.ctx = ctx;
            this.log = ctx.log();
            this.capture = new OutputCapture(config.maxOutputBytes(), log, secrets.redactor());
            this.streams = new PodStreams(client, namespace, capture, log);
            this.inputSecretPending = request.inputFile().filter(f -> !InputStreams.streamed(f)).isPresent();
            this.runSecretPending = !secrets.isEmpty();
            this.watch = new PodWatch(pods, jobs,
                    PodFaults.of(request, config), attempt,
                    new PodWatch.Limits(config.kubernetes().startTimeout(), request.timeout(), config.stopGrace()),
                    ctx.cancellation(), log, this);
        }

        RunResult run() {
            PodSpecs.RunObjects objects = PodSpecs.forAttempt(request, config, ctx, attempt);
            inputs = InputDelivery.of(streamed, objects.dirs(), log);
            if (inputs.needed()) { // waits for the runner at most as long as the runner waits for the pod to start
                InputStreams.mount(objects.job(), objects.dirs(), config.kubernetes(), config.kubernetes().startTimeout());
            }
            Optional<Secret> runSecret = runSecret(objects); // first: its init container may need the helper's credentials
            Optional<Secret> pullSecret = PullSecrets.forRun(config, request.image(), attempt, objects.job(), log); // credentials read now: nothing exists yet if they fail
            boolean keep = false;
            boolean created = false;
            RuntimeException failure = null;
            AttemptTracker.Hold hold = attempts.begin(attempt); // retention begins at the hand-back, below
            ActionTrace trace = ActionTrace.current();
            try {
                trace.phase("create");
                jobs.create(objects, pullSecret, runSecret); // from here on something may exist: cleaned up below whatever happens
                created = true;
                trace.container(attempt);
                trace.phase("run"); // the kubelet pulls the image in this phase
                PodWatch.Ending ending = watch.settle(watch.await());
                double seconds = watch.durationSeconds(ending);
                trace.phase("collect");
                streams.finish(watch.pod(), ending.terminated() != null, ending.logEnding());
                RunResult result = result(ending, seconds, objects.dirs());
                keep = !request.writableDirs().isEmpty() && !ending.cancelled() && !ending.timedOut() && watch.pod() != null
                        && !(config.cleanupAfterRun() && config.collectRetention().isZero());
                return result;
            } catch (KubernetesClientException e) {
                failure = new ContainerEngineException("kubernetes", PodStates.describe(e), e, PodStates.failureReason(e, created));
                trace.phaseFailed(failure);
                throw failure;
            } catch (RuntimeException e) {
                trace.phaseFailed(e);
                failure = e;
                throw e;
            } finally {
                trace.endPhase();
                trace.outputBytes("stdout", capture.stdout().totalBytes());
                trace.outputBytes("stderr", capture.stderr().totalBytes());
                try {
                    streams.close();
                    if (keep) {
                        log.line(LogSink.Stream.SYSTEM, "keeping job " + objects.name() + " for collect_output: deleted "
                                + (config.cleanupAfterRun() ? "when the workflow run ends or " : "") + "at most "
                                + config.collectRetention().toSeconds() + " s after this result");
                    } else {
                        cleanUp(failure);
                    }
                } finally {
                    hold.close();
                }
            }
        }

        /**
         * The Secret of the run's secret values, referenced by the pod ({@link SecretObjects}), and the
         * names (never the values) on the Job for collect_output; empty when the run has none.
         */
        private Optional<Secret> runSecret(PodSpecs.RunObjects objects) {
            if (secrets.isEmpty()) {
                return Optional.empty();
            }
            SecretObjects.mount(objects.job(), secrets.refs(), attempt, config.kubernetes());
            Map<String, String> annotations = new LinkedHashMap<>(objects.job().getMetadata().getAnnotations());
            annotations.put(Labels.SECRETS, secrets.labelValue());
            objects.job().getMetadata().setAnnotations(annotations);
            return Optional.of(SecretObjects.secret(attempt, objects.job().getMetadata().getLabels(), secrets.values()));
        }

        @Override
        public void podCreated(String pod) {
            log.line(LogSink.Stream.SYSTEM, "created job " + PodSpecs.jobName(attempt) + ", pod " + pod + " in namespace "
                    + namespace + " (image " + request.requestedImage() + ", memory " + request.memory() + ", cpu "
                    + request.cpu() + ", network " + request.network().wireName() + ", timeout "
                    + request.timeout().toSeconds() + "s)");
            if (request.network() == NetworkMode.NONE && config.kubernetes().networkPolicy()) {
                log.line(LogSink.Stream.SYSTEM, "network none: deny-all NetworkPolicy " + PodSpecs.jobName(attempt)
                        + " (enforced only where the cluster's network plugin implements NetworkPolicy)");
            }
        }

        /**
         * The input_file Secret is only needed until the init container copied it: deleted as soon as
         * the main container started, so its content does not outlive the copy in the cluster.
         */
        @Override
        public void mainStarted() {
            if (inputSecretPending) {
                inputSecretPending = false;
                jobs.deleteInputSecret(attempt);
            }
            if (runSecretPending) { // the files were copied, the variables resolved: nothing reads it any more
                runSecretPending = false;
                jobs.deleteRunSecret(attempt);
            }
        }

        @Override
        public void inputAwaited(String pod, long startDeadlineNanos) {
            inputs.awaited(client, namespace, pod, startDeadlineNanos, ctx.cancellation()::isCancelled);
        }

        @Override
        public void mainRunning(String pod) {
            streams.start(pod, request.inputData());
        }

        private void cleanUp(RuntimeException failure) {
            try {
                deleteRun(client, namespace, attempt, Duration.ZERO);
            } catch (RuntimeException e) {
                attempts.removeLater(attempt);
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    log.line(LogSink.Stream.SYSTEM, "cleanup failed (the janitor retries): " + e.getMessage());
                }
            }
        }

        private RunResult result(PodWatch.Ending ending, double seconds, RunDirs dirs) {
            ContainerStateTerminated t = ending.terminated();
            Long exitCode = ending.exitCode();
            boolean oom = t != null && "OOMKilled".equals(t.getReason());
            OutputFile outputFile = null;
            if (request.outputFile().isPresent() && !ending.cancelled() && !ending.timedOut()) {
                ContainerPath path = request.outputFile().get();
                outputFile = OutputFile.read(path, new PodFiles(client, namespace, watch.pod(), dirs), config.maxOutputFileBytes(),
                        ctx.cancellation(), config.collectLimits().timeout(), secrets.redactor());
            }
            RunVerdict verdict = new RunVerdict(ending.cancelled(), ending.timedOut(), oom, exitCode, capture.error(), null,
                    streams.inputProblem().orElse(null)).withOutputFile(outputFile);
            if (verdict.outcome() == RunOutcome.EXIT_CODE && t != null && COULD_NOT_START.contains(t.getReason())) {
                // the runtime refused to start it (e.g. a command that cannot exec): the program never ran, the same
                // event as Docker's refused start, so the same rung: the action fails with the runtime's words (audit: error)
                throw new ContainerEngineException("start container", "the kubelet could not start the container ("
                        + t.getReason() + ", exit code " + exitCode + ")" + (t.getMessage() == null ? "" : ": "
                        + t.getMessage().strip()), null, FailureReason.START_FAILED);
            }
            String imageId = ending.main() == null ? null : ending.main().getImageID();
            String runtimeImage = imageId == null || imageId.isEmpty() ? null : imageId.replaceFirst("^[a-z-]+://", "");
            ActionTrace.current().imageResolved(runtimeImage, runtimeImage); // repo@sha256:… when the runtime gave one
            String error = verdict.error(RunVerdict.Wording.KUBERNETES, request.timeout(), config.stopGrace(), request.memory());
            return RunResult.builder(attempt, request.reportsOutputFile())
                    .attempt(ctx.attempt())
                    .image(request.requestedImage(), PodStates.digestOf(imageId))
                    .output(capture, true, true) // the kubelet's log path may have replaced invalid UTF-8 already
                    .durationSeconds(seconds)
                    .outputFile(outputFile)
                    .verdict(verdict, error)
                    .usage(UsageReport.unavailable(UsageUnavailable.NO_METRICS_SOURCE)) // see the README's Resource usage
                    .build();
        }
    }
}
