package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.StreamKind;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.OutputFile;
import dev.containerrunner.plugin.execution.OutputCapture;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One run on Kubernetes: creates the Job (paused), its Secret and NetworkPolicy, releases it, waits
 * for the pod's main container to end while following its log and feeding stdin through attach,
 * enforces the timeout (the Job is scaled to 0 and the pod deleted with the grace period: SIGTERM,
 * then SIGKILL), reads the result from the container's terminated state, and deletes everything
 * in {@code finally} unless the run is kept for collect_output.
 */
final class PodRun {

    /** Reading the watched cache is free; a LIST (while the watch reconnects) is not. */
    private static final Duration POLL_CACHE = Duration.ofMillis(50);
    private static final Duration POLL_LIST = Duration.ofMillis(250);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final Duration AFTER_KILL = Duration.ofSeconds(20);
    private static final Duration EXPIRY_SLACK = Duration.ofMinutes(5);
    private static final int STDIN_CHUNK = 256 * 1024;
    /** Waiting reasons that do not resolve by themselves: the run fails at once with the kubelet's message. */
    private static final Set<String> FATAL_WAITING = Set.of("ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private final KubernetesClient client;
    private final String namespace;
    private final RunnerConfig config;
    private final Consumer<String> removeLater;
    private final PodCache pods;

    PodRun(KubernetesClient client, String namespace, RunnerConfig config, Consumer<String> removeLater, PodCache pods) {
        this.client = client;
        this.namespace = namespace;
        this.config = config;
        this.removeLater = removeLater;
        this.pods = pods;
    }

    RunResult run(RunRequest request, ActionContext ctx) {
        return new Attempt(request, ctx).run();
    }

    /** Deletes a run's pods (with {@code grace}), Job, Secret and NetworkPolicy. */
    static void deleteRun(KubernetesClient client, String namespace, String attempt, Duration grace) {
        String name = PodSpecs.jobName(attempt);
        client.pods().inNamespace(namespace).withLabel(KubeLabels.POD_ATTEMPT, attempt).withGracePeriod(grace.toSeconds()).delete();
        client.batch().v1().jobs().inNamespace(namespace).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();
        client.secrets().inNamespace(namespace).withName(name).delete();
        client.network().v1().networkPolicies().inNamespace(namespace).withName(name).delete();
    }

    /** How the wait ended: the main container's last status (null when the pod vanished). */
    private record Ending(ContainerStatus main, boolean timedOut, boolean cancelled) {
        ContainerStateTerminated terminated() {
            return main == null || main.getState() == null ? null : main.getState().getTerminated();
        }
    }

    /** The state of one run. */
    private final class Attempt {
        private final RunRequest request;
        private final ActionContext ctx;
        private final LogSink log;
        private final String attempt = UUID.randomUUID().toString().replace("-", "");
        private final OutputCapture capture;
        private String pod;
        private long runningSince;
        private LogStream logs;
        private Thread stdin;
        private boolean inputSecretPending;

        Attempt(RunRequest request, ActionContext ctx) {
            this.request = request;
            this.ctx = ctx;
            this.log = ctx.log();
            this.capture = new OutputCapture(config.maxOutputBytes(), log);
            this.inputSecretPending = request.inputFile().isPresent();
        }

        RunResult run() {
            Duration life = config.kubernetes().startTimeout().plus(request.timeout()).plus(config.stopGrace())
                    .plus(EXPIRY_SLACK).plus(config.collectRetention());
            KubeLabels.Metadata meta = KubeLabels.forAttempt(ctx, attempt, Instant.now().plus(life), config.collectRetention(),
                    config.cleanupAfterRun());
            PodSpecs.RunObjects objects = PodSpecs.build(request, config, attempt, meta, life);
            boolean keep = false;
            RuntimeException failure = null;
            try {
                create(objects); // from here on something may exist: cleaned up below whatever happens
                Ending ending = settled(await());
                double seconds = runningSince != 0 ? Math.round((System.nanoTime() - runningSince) / 1e6) / 1000.0
                        : PodStates.clusterSeconds(ending.terminated());
                if (logs == null && pod != null && ending.terminated() != null) {
                    logs = LogStream.start(client, namespace, pod, this::output);
                }
                if (logs != null && !logs.awaitEnd(DRAIN)) {
                    log.line(LogSink.Stream.SYSTEM, "the pod's log did not end within " + DRAIN.toSeconds() + " s; closing it");
                }
                capture.onEnd(logs == null ? null : logs.failure());
                RunResult result = result(ending, seconds, objects.dirs());
                keep = !request.writableDirs().isEmpty() && !ending.cancelled() && !ending.timedOut() && pod != null
                        && !(config.cleanupAfterRun() && config.collectRetention().isZero());
                return result;
            } catch (KubernetesClientException e) {
                failure = new ContainerEngineException("kubernetes", PodStates.describe(e), e);
                throw failure;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                if (logs != null) {
                    logs.close();
                }
                if (stdin != null) {
                    stdin.interrupt();
                }
                if (keep) {
                    log.line(LogSink.Stream.SYSTEM, "keeping job " + objects.name() + " for collect_output: deleted "
                            + (config.cleanupAfterRun() ? "when the workflow run ends or " : "") + "at most "
                            + config.collectRetention().toSeconds() + " s after it exited");
                } else {
                    cleanUp(failure);
                }
            }
        }

        /**
         * The input_file Secret is only needed until the init container copied it: deleted as soon as
         * the main container started, so its content does not outlive the copy in the cluster.
         */
        private void dropInputSecret() {
            if (inputSecretPending) {
                inputSecretPending = false;
                client.secrets().inNamespace(namespace).withName(PodSpecs.jobName(attempt)).delete();
            }
        }

        private void output(byte[] bytes) {
            capture.onOutput(StreamKind.STDOUT, bytes);
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

        private void create(PodSpecs.RunObjects objects) {
            var job = client.batch().v1().jobs().inNamespace(namespace).resource(objects.job()).create();
            OwnerReference owner = PodSpecs.ownedBy(job);
            objects.inputSecret().ifPresent(s -> {
                s.getMetadata().setOwnerReferences(List.of(owner));
                client.secrets().inNamespace(namespace).resource(s).create();
            });
            objects.networkPolicy().ifPresent(p -> {
                p.getMetadata().setOwnerReferences(List.of(owner));
                client.network().v1().networkPolicies().inNamespace(namespace).resource(p).create();
            });
            scale(1); // only now may the pod exist: its Secret and NetworkPolicy are in place
        }

        private void scale(int parallelism) {
            client.batch().v1().jobs().inNamespace(namespace).withName(PodSpecs.jobName(attempt))
                    .edit(j -> new JobBuilder(j).editSpec().withParallelism(parallelism).endSpec().build());
        }

        private Optional<Pod> findPod() {
            return pods.pod(attempt);
        }

        /** Polls until the main container has terminated, the timeout passed or the task was cancelled. */
        private Ending await() {
            long startDeadline = System.nanoTime() + config.kubernetes().startTimeout().toNanos();
            ContainerStatus last = null;
            while (true) {
                Optional<Pod> found = findPod();
                if (found.isPresent()) {
                    Pod p = found.get();
                    if (pod == null) {
                        pod = p.getMetadata().getName();
                        log.line(LogSink.Stream.SYSTEM, "created job " + PodSpecs.jobName(attempt) + ", pod " + pod + " in namespace "
                                + namespace + " (image " + request.requestedImage() + ", memory " + request.memory() + ", cpu "
                                + request.cpu() + ", network " + request.network().wireName() + ", timeout "
                                + request.timeout().toSeconds() + "s)");
                        if (request.network() == dev.containerrunner.plugin.model.NetworkMode.NONE && config.kubernetes().networkPolicy()) {
                            log.line(LogSink.Stream.SYSTEM, "network none: deny-all NetworkPolicy " + PodSpecs.jobName(attempt)
                                    + " (enforced only where the cluster's network plugin implements NetworkPolicy)");
                        }
                    }
                    checkHelpers(p);
                    ContainerStatus main = PodStates.main(p);
                    if (main != null) {
                        last = main;
                        if (main.getState().getRunning() != null || main.getState().getTerminated() != null) {
                            dropInputSecret();
                        }
                        if (main.getState().getTerminated() != null) {
                            return new Ending(main, false, false);
                        }
                        checkWaiting(main, "image " + request.requestedImage());
                        if (main.getState().getRunning() != null && runningSince == 0) {
                            runningSince = System.nanoTime();
                            logs = LogStream.start(client, namespace, pod, this::output);
                            request.inputData().ifPresent(this::sendStdin);
                        }
                    }
                    if (p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()) && (main == null
                            || main.getState().getTerminated() == null)) {
                        throw new ContainerEngineException("run", "the pod failed before its container ended: "
                                + p.getStatus().getReason() + " " + Optional.ofNullable(p.getStatus().getMessage()).orElse(""), null);
                    }
                } else if (pod != null) {
                    throw new ContainerEngineException("run", "pod " + pod + " was deleted while its container ran", null);
                }
                if (runningSince == 0 && System.nanoTime() > startDeadline) {
                    throw new ContainerEngineException("run", "the pod did not start within start_timeout_seconds ("
                            + config.kubernetes().startTimeout().toSeconds() + "): " + found.map(PodStates::pending).orElse(
                            "the Job controller created no pod"), null);
                }
                boolean cancelled = ctx.cancellation().isCancelled();
                if (cancelled || (runningSince != 0 && System.nanoTime() - runningSince > request.timeout().toNanos())) {
                    return stop(cancelled, last);
                }
                sleep(pods.watching() ? POLL_CACHE : POLL_LIST);
            }
        }

        /**
         * An exit by SIGKILL the runner did not send and no OOM reason yet: the kubelet takes the reason
         * from the engine, whose OOM flag can arrive just after the exit (cgroup v1), so the status is
         * re-read for a second before it is reported as not an OOM.
         */
        private Ending settled(Ending ending) {
            for (int i = 0; i < 10 && !ending.timedOut() && !ending.cancelled() && ending.terminated() != null
                    && Integer.valueOf(137).equals(ending.terminated().getExitCode())
                    && !"OOMKilled".equals(ending.terminated().getReason()); i++) {
                sleep(Duration.ofMillis(100));
                ContainerStatus main = findPod().map(PodStates::main).orElse(null);
                if (main == null || main.getState().getTerminated() == null) {
                    break;
                }
                ending = new Ending(main, false, false);
            }
            return ending;
        }

        /** Timeout or cancellation: no replacement pod, SIGTERM now, SIGKILL after the grace period. */
        private Ending stop(boolean cancelled, ContainerStatus last) {
            log.line(LogSink.Stream.SYSTEM, (cancelled ? "task cancelled" : "timeout after " + request.timeout().toSeconds() + " s")
                    + ": deleting the pod (SIGTERM, SIGKILL after " + config.stopGrace().toSeconds() + " s)");
            scale(0);
            if (pod == null) {
                return new Ending(null, !cancelled, cancelled); // nothing ran yet; cleanup removes the Job
            }
            client.pods().inNamespace(namespace).withName(pod).withGracePeriod(config.stopGrace().toSeconds()).delete();
            long until = System.nanoTime() + config.stopGrace().plus(AFTER_KILL).toNanos();
            while (System.nanoTime() < until) {
                Optional<Pod> p = findPod();
                if (p.isEmpty()) {
                    break;
                }
                ContainerStatus main = PodStates.main(p.get());
                if (main != null) {
                    last = main;
                    if (main.getState().getTerminated() != null) {
                        break;
                    }
                }
                sleep(pods.watching() ? POLL_CACHE : POLL_LIST);
            }
            return new Ending(last, !cancelled, cancelled);
        }

        /** stdin through attach: the container was created with stdinOnce, so ending the attach closes its stdin. */
        private void sendStdin(byte[] data) {
            stdin = new Thread(() -> {
                try (ExecWatch attach = client.pods().inNamespace(namespace).withName(pod).inContainer(PodSpecs.MAIN)
                        .redirectingInput().attach()) {
                    OutputStream in = attach.getInput();
                    // in pieces: fabric8 waits forever for room for one message larger than its 16 MiB send queue
                    for (int off = 0; off < data.length; off += STDIN_CHUNK) {
                        in.write(data, off, Math.min(STDIN_CHUNK, data.length - off));
                    }
                    in.flush();
                    Thread.sleep(200); // let the last frame leave before the close frame
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    log.line(LogSink.Stream.SYSTEM, "sending input_data failed: " + e);
                }
            }, "container-runner-stdin-" + pod);
            stdin.setDaemon(true);
            stdin.start();
        }

        private void checkHelpers(Pod p) {
            if (p.getStatus() == null) {
                return;
            }
            ContainerStatus prepare = PodStates.status(p.getStatus().getInitContainerStatuses(), PodSpecs.PREPARE);
            if (prepare != null) {
                checkWaiting(prepare, "helper_image " + config.kubernetes().helperImage());
                ContainerStateTerminated t = prepare.getState().getTerminated();
                if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
                    throw new ContainerEngineException("run", "placing input_file failed in the helper container (exit "
                            + t.getExitCode() + "): " + Optional.ofNullable(t.getMessage()).orElse(t.getReason()), null);
                }
            }
            ContainerStatus keeper = PodStates.status(p.getStatus().getContainerStatuses(), PodSpecs.KEEPER);
            if (keeper != null) {
                checkWaiting(keeper, "helper_image " + config.kubernetes().helperImage());
            }
        }

        private void checkWaiting(ContainerStatus s, String what) {
            ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
            if (w == null || w.getReason() == null || !FATAL_WAITING.contains(w.getReason())) {
                return;
            }
            String message = w.getReason() + ": " + Optional.ofNullable(w.getMessage()).orElse("");
            if (w.getReason().contains("Pull") || w.getReason().equals("InvalidImageName")) {
                String hint = request.pullPolicy() == PullPolicy.NEVER && what.startsWith("image")
                        ? " (pull_policy is never and the node does not have it)" : "";
                throw new ImageNotAvailableException(what, what + " is not available on the node" + hint + ": " + message, null);
            }
            throw new ContainerEngineException("run", "the kubelet could not start the " + s.getName() + " container: " + message,
                    null);
        }

        private RunResult result(Ending ending, double seconds, RunDirs dirs) {
            ContainerStateTerminated t = ending.terminated();
            Long exitCode = t == null || t.getExitCode() == null ? null : t.getExitCode().longValue();
            boolean oom = t != null && "OOMKilled".equals(t.getReason());
            OutputFile outputFile = null;
            if (request.outputFile().isPresent() && !ending.cancelled() && !ending.timedOut()) {
                ContainerPath path = request.outputFile().get();
                outputFile = OutputFile.read(path, () -> archive(dirs, path), config.maxOutputFileBytes());
            }
            RunVerdict verdict = new RunVerdict(ending.cancelled(), ending.timedOut(), oom, exitCode, capture.error(),
                    outputFile == null ? null : outputFile.problem());
            String imageId = ending.main() == null ? null : ending.main().getImageID();
            return RunResult.builder(attempt, request.reportsOutputFile())
                    .image(request.requestedImage(), PodStates.digestOf(imageId))
                    .output(capture, true)
                    .durationSeconds(seconds)
                    .outputFile(outputFile)
                    .verdict(verdict, verdict.error(RunVerdict.Wording.KUBERNETES, request.timeout(), config.stopGrace(),
                            request.memory()))
                    .build();
        }

        private InputStream archive(RunDirs dirs, ContainerPath path) throws IOException {
            try {
                return new PodFiles(client, namespace).archive(pod, dirs, path.value());
            } catch (KubernetesClientException e) {
                throw new IOException(PodStates.describe(e), e);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerEngineException("run", "interrupted", e);
        }
    }
}
