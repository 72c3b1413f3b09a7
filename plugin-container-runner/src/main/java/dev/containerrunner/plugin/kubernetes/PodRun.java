package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.OutputCapture;
import dev.containerrunner.plugin.execution.OutputFile;
import dev.containerrunner.plugin.execution.RunOutcome;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.NetworkMode;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.plugin.registry.Credential;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One run on Kubernetes, orchestrated: creates the Job (paused), its Secret and NetworkPolicy and
 * releases it ({@link JobControl}); watches the pod until the main container ended, timed out or
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
    private final Consumer<String> removeLater;
    private final PodCache pods;
    private final JobControl jobs;

    PodRun(KubernetesClient client, String namespace, RunnerConfig config, Consumer<String> removeLater, PodCache pods) {
        this.client = client;
        this.namespace = namespace;
        this.config = config;
        this.removeLater = removeLater;
        this.pods = pods;
        this.jobs = new JobControl(client, namespace);
    }

    /**
     * Runs {@code request} to its end.
     *
     * @throws ContainerEngineException when the API fails or the pod cannot start or run
     * @throws dev.containerrunner.plugin.execution.ImageNotAvailableException when the node cannot get an image
     */
    RunResult run(RunRequest request, ActionContext ctx) {
        return new Attempt(request, ctx).run();
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
        private final ActionContext ctx;
        private final LogSink log;
        private final String attempt = UUID.randomUUID().toString().replace("-", "");
        private final OutputCapture capture;
        private final PodWatch watch;
        private final PodStreams streams;
        private boolean inputSecretPending;

        Attempt(RunRequest request, ActionContext ctx) {
            this.request = request;
            this.ctx = ctx;
            this.log = ctx.log();
            this.capture = new OutputCapture(config.maxOutputBytes(), log);
            this.streams = new PodStreams(client, namespace, capture, log);
            this.inputSecretPending = request.inputFile().isPresent();
            this.watch = new PodWatch(pods, jobs,
                    PodFaults.of(request, config), attempt,
                    new PodWatch.Limits(config.kubernetes().startTimeout(), request.timeout(), config.stopGrace()),
                    ctx.cancellation(), log, this);
        }

        RunResult run() {
            PodSpecs.RunObjects objects = PodSpecs.forAttempt(request, config, ctx, attempt);
            Optional<Secret> pullSecret = pullSecret(objects); // credentials read now: nothing exists yet if they fail
            boolean keep = false;
            boolean created = false;
            RuntimeException failure = null;
            try {
                jobs.create(objects, pullSecret); // from here on something may exist: cleaned up below whatever happens
                created = true;
                PodWatch.Ending ending = watch.settle(watch.await());
                double seconds = watch.durationSeconds(ending);
                streams.finish(watch.pod(), ending.terminated() != null);
                RunResult result = result(ending, seconds, objects.dirs());
                keep = !request.writableDirs().isEmpty() && !ending.cancelled() && !ending.timedOut() && watch.pod() != null
                        && !(config.cleanupAfterRun() && config.collectRetention().isZero());
                return result;
            } catch (KubernetesClientException e) {
                failure = new ContainerEngineException("kubernetes", PodStates.describe(e), e, PodStates.failureReason(e, created));
                throw failure;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                streams.close();
                if (keep) {
                    log.line(LogSink.Stream.SYSTEM, "keeping job " + objects.name() + " for collect_output: deleted "
                            + (config.cleanupAfterRun() ? "when the workflow run ends or " : "") + "at most "
                            + config.collectRetention().toSeconds() + " s after it exited");
                } else {
                    cleanUp(failure);
                }
            }
        }

        /** The per-run pull Secret for the registries that have credentials, referenced by the pod; empty when none do. */
        private Optional<Secret> pullSecret(PodSpecs.RunObjects objects) {
            PodSpec pod = objects.job().getSpec().getTemplate().getSpec();
            List<Credential> credentials = PullSecrets.resolve(config, request.image(),
                    !pod.getInitContainers().isEmpty() || pod.getContainers().size() > 1);
            if (credentials.isEmpty()) {
                return Optional.empty();
            }
            Secret secret = PullSecrets.secret(attempt, objects.job().getMetadata().getLabels(), credentials);
            PullSecrets.reference(objects.job(), secret.getMetadata().getName());
            log.line(LogSink.Stream.SYSTEM, "image pull secret " + secret.getMetadata().getName() + " for "
                    + credentials.stream().map(c -> c.registry() + " (credentials from " + c.source() + ")")
                    .collect(Collectors.joining(", ")));
            return Optional.of(secret);
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
        }

        @Override
        public void mainRunning(String pod) {
            streams.start(pod, request.inputData());
        }

        private void cleanUp(RuntimeException failure) {
            try {
                deleteRun(client, namespace, attempt, Duration.ZERO);
            } catch (RuntimeException e) {
                removeLater.accept(attempt);
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    log.line(LogSink.Stream.SYSTEM, "cleanup failed (the janitor retries): " + e.getMessage());
                }
            }
        }

        private RunResult result(PodWatch.Ending ending, double seconds, RunDirs dirs) {
            ContainerStateTerminated t = ending.terminated();
            Long exitCode = t == null || t.getExitCode() == null ? null : t.getExitCode().longValue();
            boolean oom = t != null && "OOMKilled".equals(t.getReason());
            OutputFile outputFile = null;
            if (request.outputFile().isPresent() && !ending.cancelled() && !ending.timedOut()) {
                ContainerPath path = request.outputFile().get();
                outputFile = OutputFile.read(path, new PodFiles(client, namespace, watch.pod(), dirs), config.maxOutputFileBytes(),
                        ctx.cancellation(), config.collectLimits().timeout());
            }
            RunVerdict verdict = new RunVerdict(ending.cancelled(), ending.timedOut(), oom, exitCode, capture.error(), null,
                    streams.inputProblem().orElse(null)).withOutputFile(outputFile);
            if (verdict.outcome() == RunOutcome.EXIT_CODE && t != null && COULD_NOT_START.contains(t.getReason())
                    && t.getMessage() != null) {
                // the runtime refused to start it (e.g. a command that does not exist): say why, here and in the live log
                verdict = verdict.withStartProblem("the container could not start (exit code " + exitCode + "): "
                        + t.getMessage().strip());
                log.line(LogSink.Stream.SYSTEM, verdict.startProblem());
            }
            String imageId = ending.main() == null ? null : ending.main().getImageID();
            String error = verdict.error(RunVerdict.Wording.KUBERNETES, request.timeout(), config.stopGrace(), request.memory());
            return RunResult.builder(attempt, request.reportsOutputFile())
                    .attempt(ctx.attempt())
                    .image(request.requestedImage(), PodStates.digestOf(imageId))
                    .output(capture, true, true) // the kubelet's log path may have replaced invalid UTF-8 already
                    .durationSeconds(seconds)
                    .outputFile(outputFile)
                    .verdict(verdict, error)
                    .build();
        }
    }
}
