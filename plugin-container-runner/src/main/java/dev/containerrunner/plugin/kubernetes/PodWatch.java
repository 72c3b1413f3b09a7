package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;

/**
 * Watches one run's pod until its main container ended: enforces the start timeout and fails at
 * once on states that do not resolve ({@link PodFaults}); on timeout or cancellation stops the pod
 * ({@link PodStop}: the Job scaled to 0, then the pod deleted with the grace period: SIGTERM, then
 * SIGKILL) and takes the exit code from the last pod state seen, the final one included; and
 * settles the ending (an exit by SIGKILL is re-read briefly for the OOM reason). It reads the pod
 * from the {@link PodCache} and tells the orchestrator, through {@link Events}, when the pod
 * appears and when the main container starts.
 *
 * @apiNote Not thread-safe: one watch per run, used by the run's thread.
 */
final class PodWatch {

    private static final Duration SETTLE_STEP = Duration.ofMillis(100);
    private static final int SETTLE_STEPS = 10;

    /** What the orchestrator does at the pod's stages; called on the watching thread. */
    interface Events {
        /** The Job controller created the run's pod, named {@code pod}. */
        void podCreated(String pod);

        /** The main container runs or already ended: the input_file copy is done. Called on every poll. */
        void mainStarted();

        /** The runner sees the main container running for the first time. */
        void mainRunning(String pod);

        /**
         * The {@value InputStreams#INIT} init container of {@code pod} runs, waiting for the streamed
         * inputs (called on every poll while it runs); {@code startDeadlineNanos} is when the start timeout passes.
         */
        void inputAwaited(String pod, long startDeadlineNanos);
    }

    /** How the wait ended: the main container's last status (null when the pod vanished or never had one). */
    record Ending(ContainerStatus main, boolean timedOut, boolean cancelled) {
        /** The main container's terminated state, or null. */
        ContainerStateTerminated terminated() {
            return main == null || main.getState() == null ? null : main.getState().getTerminated();
        }

        /**
         * The result's exit_code: the terminated state's exit code; null when there is none, and for
         * a stopped run (timed out, cancelled) also when it is the kubelet's placeholder for a
         * container it could not locate ({@link MainStatusTrail#UNKNOWN}, 137 that no signal caused).
         */
        Long exitCode() {
            ContainerStateTerminated t = terminated();
            if (t == null || t.getExitCode() == null || (timedOut || cancelled) && !MainStatusTrail.reported(t)) {
                return null;
            }
            return t.getExitCode().longValue();
        }

        /** EXITED when the main container ended by itself (terminated, neither timed out nor cancelled), else STOPPED. */
        KubeletLogTail.Ending logEnding() {
            return terminated() != null && !timedOut && !cancelled ? KubeletLogTail.Ending.EXITED : KubeletLogTail.Ending.STOPPED;
        }
    }

    /** The run's limits: how long the pod may take to start, the main container to run, and to stop. */
    record Limits(Duration start, Duration run, Duration stopGrace) {
    }

    private final PodCache pods;
    private final JobControl jobs;
    private final PodFaults faults;
    private final String attempt;
    private final Limits limits;
    private final CancellationSignal cancellation;
    private final LogSink log;
    private final Events events;
    private String pod;
    private long runningSince;

    PodWatch(PodCache pods, JobControl jobs, PodFaults faults, String attempt, Limits limits, CancellationSignal cancellation,
             LogSink log, Events events) {
        this.pods = pods;
        this.jobs = jobs;
        this.faults = faults;
        this.attempt = attempt;
        this.limits = limits;
        this.cancellation = cancellation;
        this.log = log;
        this.events = events;
    }

    /** The run's pod, or null before the Job controller created it. */
    String pod() {
        return pod;
    }

    /**
     * Polls until the main container has terminated, the timeout passed or the task was cancelled.
     *
     * @throws ImageNotAvailableException when the node cannot get the image or the helper image
     * @throws UnschedulableException when the scheduler refused the pod on every node for placement reasons
     * @throws ContainerEngineException when the pod did not start within the start timeout, failed,
     *     or was deleted by someone else, or when the thread was interrupted
     * @throws KubernetesClientException when the API fails
     */
    Ending await() {
        MainStatusTrail trail = pods.follow(attempt);
        try {
            return await(trail);
        } finally {
            pods.unfollow(attempt);
        }
    }

    private Ending await(MainStatusTrail trail) {
        long startDeadline = System.nanoTime() + limits.start().toNanos();
        while (true) {
            Optional<Pod> found = pods.pod(attempt);
            if (found.isPresent()) {
                Pod p = found.get();
                trail.seen(p);
                if (pod == null) {
                    pod = p.getMetadata().getName();
                    events.podCreated(pod);
                }
                faults.checkHelpers(p);
                ContainerStatus stream = p.getStatus() == null ? null
                        : PodStates.status(p.getStatus().getInitContainerStatuses(), InputStreams.INIT);
                if (stream != null && stream.getState().getRunning() != null) {
                    events.inputAwaited(pod, startDeadline);
                }
                if (runningSince == 0) {
                    SchedulerVerdict.placementRefused(p).ifPresent(message -> {
                        throw new UnschedulableException(pod, message);
                    });
                }
                ContainerStatus main = PodStates.main(p);
                if (main != null) {
                    if (main.getState().getRunning() != null || main.getState().getTerminated() != null) {
                        events.mainStarted();
                    }
                    if (main.getState().getTerminated() != null) {
                        return new Ending(main, false, false);
                    }
                    faults.checkMain(main);
                    if (main.getState().getRunning() != null && runningSince == 0) {
                        runningSince = System.nanoTime();
                        events.mainRunning(pod);
                    }
                }
                if (p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()) && (main == null
                        || main.getState().getTerminated() == null)) {
                    throw new ContainerEngineException("run", "the pod failed before its container ended: "
                            + p.getStatus().getReason() + " " + Optional.ofNullable(p.getStatus().getMessage()).orElse(""), null,
                            FailureReason.ENGINE_LOST);
                }
            } else if (pod != null) {
                throw new ContainerEngineException("run", "pod " + pod + " was deleted while its container ran", null,
                        FailureReason.ENGINE_LOST);
            }
            if (runningSince == 0 && System.nanoTime() > startDeadline) {
                throw new ContainerEngineException("run", "the pod did not start within start_timeout_seconds ("
                        + limits.start().toSeconds() + "): " + found.map(PodStates::pending).orElse(
                        "the Job controller created no pod"), null, found.filter(PodStates::unschedulable).isPresent()
                        ? FailureReason.UNSCHEDULABLE : FailureReason.START_TIMEOUT);
            }
            boolean cancelled = cancellation.isCancelled();
            if (cancelled || (runningSince != 0 && System.nanoTime() - runningSince > limits.run().toNanos())) {
                String why = cancelled ? "task cancelled" : "timeout after " + limits.run().toSeconds() + " s";
                return new Ending(new PodStop(pods, jobs, attempt, limits.stopGrace(), log).stop(pod, trail, why), !cancelled,
                        cancelled);
            }
            pods.pause();
        }
    }

    /**
     * An exit by SIGKILL the runner did not send and no OOM reason yet: the kubelet takes the reason
     * from the engine, whose OOM flag can arrive just after the exit (cgroup v1), so the status is
     * re-read for a second before it is reported as not an OOM.
     *
     * @throws ContainerEngineException when the thread was interrupted
     * @throws KubernetesClientException when the API fails
     */
    Ending settle(Ending ending) {
        for (int i = 0; i < SETTLE_STEPS && !ending.timedOut() && !ending.cancelled() && ending.terminated() != null
                && Integer.valueOf(137).equals(ending.terminated().getExitCode())
                && !"OOMKilled".equals(ending.terminated().getReason()); i++) {
            sleep(SETTLE_STEP);
            ContainerStatus main = pods.pod(attempt).map(PodStates::main).orElse(null);
            if (main == null || main.getState().getTerminated() == null) {
                break;
            }
            ending = new Ending(main, false, false);
        }
        return ending;
    }

    /**
     * The run's duration in seconds (millisecond precision): from when the runner saw the main
     * container running until now, or the kubelet's timestamps when it never saw it running.
     */
    double durationSeconds(Ending ending) {
        return runningSince != 0 ? Math.round((System.nanoTime() - runningSince) / 1e6) / 1000.0
                : PodStates.clusterSeconds(ending.terminated());
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
