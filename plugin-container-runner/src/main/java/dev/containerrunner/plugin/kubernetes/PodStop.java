package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;

/**
 * Stops one run's pod on timeout or cancellation — no replacement pod, SIGTERM now, SIGKILL after
 * the grace period — and reads how its main container ended. The Job is scaled to 0, so the Job
 * controller deletes the pod (with the pod's grace period, which is stop_grace_seconds) and creates
 * no other; the runner deletes it too, but only once the controller did, or did not within
 * {@link JobControl#RELEASE_WAIT}: deleted earlier, while the controller still saw parallelism 1, it
 * would be replaced. Both deletions are graceful, so the pod object stays until the kubelet wrote the
 * container's terminated state; the exit code is taken from the last state the runner saw, the
 * DELETED event's final object included ({@link MainStatusTrail}).
 *
 * @apiNote Not thread-safe: used by the run's thread.
 */
final class PodStop {

    /** How long the kubelet may take past the grace period to report the container stopped. */
    static final Duration AFTER_KILL = Duration.ofSeconds(20);
    /** How long the DELETED event may take to reach the trail after the pod left the cache (the watch hands it on after). */
    static final Duration DELETED_EVENT = Duration.ofSeconds(2);

    private final PodCache pods;
    private final JobControl jobs;
    private final String attempt;
    private final Duration grace;
    private final LogSink log;

    /** Stops run {@code attempt}'s pod with {@code grace} between SIGTERM and SIGKILL, saying so in {@code log}. */
    PodStop(PodCache pods, JobControl jobs, String attempt, Duration grace, LogSink log) {
        this.pods = pods;
        this.jobs = jobs;
        this.attempt = attempt;
        this.grace = grace;
        this.log = log;
    }

    /**
     * Stops the run's pod ({@code pod}, null when the Job controller created none yet) and waits, at
     * most the grace period plus {@link #AFTER_KILL}, until the kubelet reported the main container
     * terminated or the pod object is gone.
     *
     * @param why what stopped the run, e.g. "timeout after 3 s", the start of the SYSTEM log line
     * @param trail the run's trail, followed since before the pod could be deleted
     * @return the main container's status to report: terminated with the kubelet's exit code when it
     *     reported one; else its last status seen (without an exit code), or null when none was seen
     * @throws ContainerEngineException when the thread was interrupted
     * @throws KubernetesClientException when the API fails
     */
    ContainerStatus stop(String pod, MainStatusTrail trail, String why) {
        log.line(LogSink.Stream.SYSTEM, why + ": deleting the pod (SIGTERM, SIGKILL after " + grace.toSeconds() + " s)");
        jobs.scale(attempt, 0);
        if (pod == null) {
            return null; // nothing ran yet; cleanup removes the Job
        }
        long released = System.nanoTime() + JobControl.RELEASE_WAIT.toNanos();
        for (Optional<Pod> p = read(trail); p.isPresent() && p.get().getMetadata().getDeletionTimestamp() == null
                && System.nanoTime() < released; p = read(trail)) {
            pods.pause();
        }
        jobs.deletePod(pod, grace);
        long until = System.nanoTime() + grace.plus(AFTER_KILL).toNanos();
        long missingSince = 0;
        String unknown = "the pod was not deleted within " + grace.plus(AFTER_KILL).toSeconds() + " s";
        while (!trail.ended() && !trail.gone() && !trail.lost()) {
            long now = System.nanoTime();
            if (now > until) {
                break;
            }
            if (read(trail).isPresent()) {
                missingSince = 0;
            } else if (!pods.watching()) {
                unknown = "the pod was deleted while the pod watch was reconnecting (its final state was not seen)";
                break;
            } else if (missingSince == 0) {
                missingSince = now;
            } else if (now - missingSince > DELETED_EVENT.toNanos()) {
                unknown = "the pod watch did not hand on the pod's deletion within " + DELETED_EVENT.toSeconds() + " s";
                break;
            }
            pods.pause();
        }
        if (!trail.ended()) {
            log.line(LogSink.Stream.SYSTEM, "no exit code: " + (trail.gone() || trail.lost() ? unreported(trail) : unknown));
        }
        return trail.main();
    }

    private Optional<Pod> read(MainStatusTrail trail) {
        Optional<Pod> p = pods.pod(attempt);
        p.ifPresent(trail::seen);
        return p;
    }

    private static String unreported(MainStatusTrail trail) {
        return trail.lost() ? "the kubelet could not locate the main container when the pod was deleted ("
                + MainStatusTrail.UNKNOWN + ")" : "the kubelet deleted the pod without reporting how the main container ended";
    }
}
