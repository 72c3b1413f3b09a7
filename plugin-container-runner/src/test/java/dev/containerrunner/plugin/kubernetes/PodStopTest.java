package dev.containerrunner.plugin.kubernetes;

import static dev.containerrunner.plugin.kubernetes.MainPods.ATTEMPT;
import static dev.containerrunner.plugin.kubernetes.MainPods.POD;
import static dev.containerrunner.plugin.kubernetes.MainPods.pod;
import static dev.containerrunner.plugin.kubernetes.MainPods.running;
import static dev.containerrunner.plugin.kubernetes.MainPods.terminated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * Stopping a run's pod: the exit code comes from the last pod state seen, also when the pod left the
 * cache between two reads and only the watch's DELETED event carried the terminated state.
 */
class PodStopTest {

    private static final Duration GRACE = Duration.ofSeconds(2);

    private final PodCache pods = mock(PodCache.class);
    private final JobControl jobs = mock(JobControl.class);
    private final MainStatusTrails trails = new MainStatusTrails();
    private final MainStatusTrail trail = trails.follow(ATTEMPT);
    private final List<String> log = new ArrayList<>();
    private final PodStop stop = new PodStop(pods, jobs, ATTEMPT, GRACE, (s, line) -> log.add(s + " " + line));

    private static Long exitCode(ContainerStatus main) {
        return new PodWatch.Ending(main, true, false).exitCode();
    }

    @Test
    void aTerminatedStateOnlyInTheDeletedEventGivesTheExitCode() {
        when(pods.watching()).thenReturn(true);
        Pod deleting = pod(running(), true);
        // the cache shows the pod being deleted, running, and then no pod: the kubelet wrote 143 and deleted
        // the object between two reads; the watch hands on the DELETED event (the final object) after that
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(deleting), Optional.of(deleting), Optional.empty());
        int[] pauses = {0};
        doAnswer(inv -> {
            if (++pauses[0] == 3) {
                trails.onDelete(pod(terminated(143, "Error"), true), false);
            }
            return null;
        }).when(pods).pause();

        ContainerStatus main = stop.stop(POD, trail, "timeout after 3 s");

        assertEquals(143L, exitCode(main));
        InOrder order = inOrder(jobs);
        order.verify(jobs).scale(ATTEMPT, 0);
        order.verify(jobs).deletePod(POD, GRACE);
        assertEquals(List.of("SYSTEM timeout after 3 s: deleting the pod (SIGTERM, SIGKILL after 2 s)"), log);
    }

    @Test
    void aTerminatedStateSeenOnlyBeforeTheDeletionGivesTheExitCode() {
        when(pods.watching()).thenReturn(true);
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(pod(running(), false)), Optional.of(pod(terminated(137, "Error"), true)),
                Optional.empty());
        ContainerStatus main = stop.stop(POD, trail, "task cancelled");
        assertEquals(137L, exitCode(main));
        assertEquals(1, log.size(), String.valueOf(log));
    }

    @Test
    void aPodTheKubeletDeletedWithoutReportingHasNoExitCodeAndTheLogSaysWhy() {
        when(pods.watching()).thenReturn(true);
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(pod(running(), true)), Optional.empty());
        doAnswer(inv -> {
            trails.onDelete(pod(running(), true), false);
            return null;
        }).when(pods).pause();
        ContainerStatus main = stop.stop(POD, trail, "timeout after 3 s");
        assertNull(exitCode(main));
        assertEquals("SYSTEM no exit code: the kubelet deleted the pod without reporting how the main container ended",
                log.get(1));
    }

    @Test
    void aPodGoneWhileTheWatchReconnectsHasNoExitCodeAndTheLogSaysWhy() {
        when(pods.watching()).thenReturn(false);
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(pod(running(), true)), Optional.empty());
        assertNull(exitCode(stop.stop(POD, trail, "timeout after 3 s")));
        assertTrue(log.get(1).contains("while the pod watch was reconnecting"), String.valueOf(log));
    }

    @Test
    void aDeletedEventThatNeverComesEndsTheWaitAfterTwoSeconds() throws Exception {
        when(pods.watching()).thenReturn(true);
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(pod(running(), true)), Optional.empty());
        doAnswer(inv -> {
            Thread.sleep(50);
            return null;
        }).when(pods).pause();
        long t0 = System.nanoTime();
        assertNull(exitCode(stop.stop(POD, trail, "timeout after 3 s")));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 2 && seconds < 5, seconds + " s");
        assertTrue(log.get(1).contains("did not hand on the pod's deletion within 2 s"), String.valueOf(log));
    }

    @Test
    void theKubeletsPlaceholderEndsTheWaitAtOnceWithNoExitCodeAndKeepsTheImageId() {
        // attack, 8 parallel timeouts: the kubelet removed the container and wrote only its placeholder
        // (state waiting, last state terminated 137 ContainerStatusUnknown, no image ID); the pod object stays
        // Terminating, so the stop used to wait out grace + 20 s and report that wait as the run's duration
        when(pods.watching()).thenReturn(true);
        Pod placeholder = MainPods.pod(ATTEMPT, MainPods.waiting("ContainerCreating"),
                terminated(137, MainStatusTrail.UNKNOWN), true);
        placeholder.getStatus().getContainerStatuses().get(0).setImageID("");
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(pod(running(), true)), Optional.of(pod(running(), true)),
                Optional.of(placeholder));
        int[] pauses = {0};
        doAnswer(inv -> {
            pauses[0]++;
            return null;
        }).when(pods).pause();

        ContainerStatus main = stop.stop(POD, trail, "timeout after 3 s");

        assertNull(exitCode(main));
        assertTrue(pauses[0] <= 3, pauses[0] + " pauses: the wait went on after the placeholder");
        assertEquals("SYSTEM no exit code: the kubelet could not locate the main container when the pod was deleted ("
                + MainStatusTrail.UNKNOWN + ")", log.get(1));
        assertEquals("docker-pullable://bb@sha256:1", main.getImageID(), "the image ID the runtime gave while it ran");
    }

    @Test
    void aReportedExitKeepsItsOwnStatus() {
        when(pods.watching()).thenReturn(true);
        Pod exited = pod(terminated(143, "Error"), true);
        when(pods.pod(ATTEMPT)).thenReturn(Optional.of(pod(running(), true)), Optional.of(exited));
        ContainerStatus main = stop.stop(POD, trail, "timeout after 3 s");
        assertEquals(143L, exitCode(main));
        assertEquals("docker-pullable://bb@sha256:1", main.getImageID());
        assertEquals(1, log.size(), String.valueOf(log));
    }

    @Test
    void nothingToStopBeforeThePodExists() {
        assertNull(stop.stop(null, trail, "task cancelled"));
        inOrder(jobs).verify(jobs).scale(ATTEMPT, 0);
    }

    @Test
    void aStopNeverForceDeletesThePod() {
        assertEquals(1, JobControl.gracefulSeconds(Duration.ZERO));
        assertEquals(1, JobControl.gracefulSeconds(Duration.ofSeconds(1)));
        assertEquals(10, JobControl.gracefulSeconds(Duration.ofSeconds(10)));
    }
}
