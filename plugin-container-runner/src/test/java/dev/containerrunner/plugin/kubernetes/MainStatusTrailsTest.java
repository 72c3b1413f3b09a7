package dev.containerrunner.plugin.kubernetes;

import static dev.containerrunner.plugin.kubernetes.MainPods.ATTEMPT;
import static dev.containerrunner.plugin.kubernetes.MainPods.pod;
import static dev.containerrunner.plugin.kubernetes.MainPods.running;
import static dev.containerrunner.plugin.kubernetes.MainPods.terminated;
import static dev.containerrunner.plugin.kubernetes.MainPods.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** The pod watch's events of a stopped run, read into its exit code. */
class MainStatusTrailsTest {

    private final MainStatusTrails trails = new MainStatusTrails();

    private static Long timedOut(MainStatusTrail trail) {
        return new PodWatch.Ending(trail.main(), true, false).exitCode();
    }

    @Test
    void aTerminatedStateOnlyInTheFinalDeletedObjectGivesTheExitCode() {
        MainStatusTrail trail = trails.follow(ATTEMPT);
        trails.onAdd(pod(running(), false));
        trails.onUpdate(pod(running(), false), pod(running(), true));
        assertFalse(trail.ended());
        trails.onDelete(pod(terminated(143, "Error"), true), false);
        assertTrue(trail.ended());
        assertTrue(trail.gone());
        assertEquals(143L, timedOut(trail));
        assertEquals(143L, new PodWatch.Ending(trail.main(), false, true).exitCode(), "a cancelled run too");
    }

    @Test
    void aTerminatedStateSeenOnlyBeforeTheDeletionGivesTheExitCode() {
        MainStatusTrail trail = trails.follow(ATTEMPT);
        trails.onUpdate(pod(running(), true), pod(terminated(137, "Error"), true));
        // the watch learnt of the deletion only by listing again: the final object is the last one it had, or older
        trails.onDelete(pod(running(), true), true);
        assertTrue(trail.gone());
        assertEquals(137L, timedOut(trail));
    }

    @Test
    void theFirstReportedExitIsKeptWhateverComesLater() {
        MainStatusTrail trail = trails.follow(ATTEMPT);
        trail.seen(pod(terminated(143, "Error"), true)); // the run's own read of the cache
        trails.onUpdate(null, pod(terminated(137, MainStatusTrail.UNKNOWN), true));
        trails.onUpdate(null, pod(ATTEMPT, waiting("ContainerCreating"), terminated(137, MainStatusTrail.UNKNOWN), true));
        assertEquals(143L, timedOut(trail));
    }

    /** The kubelet's "could not be located" is no exit: its 137 is a placeholder, not a SIGKILL. */
    @Test
    void theKubeletsPlaceholderIsNoExitCodeOfAStoppedRun() {
        MainStatusTrail trail = trails.follow(ATTEMPT);
        trails.onUpdate(null, pod(running(), true));
        trails.onDelete(pod(ATTEMPT, waiting("ContainerCreating"), terminated(137, MainStatusTrail.UNKNOWN), true), false);
        assertTrue(trail.gone());
        assertFalse(trail.ended());
        assertNull(timedOut(trail));

        MainStatusTrail inState = trails.follow("a2");
        trails.onDelete(pod("a2", terminated(137, MainStatusTrail.UNKNOWN), null, true), false);
        assertFalse(inState.ended());
        assertNull(timedOut(inState));
        assertEquals(137L, new PodWatch.Ending(inState.main(), false, false).exitCode(),
                "a run that was not stopped reports it as before");
    }

    @Test
    void aPodDeletedWithoutAnyTerminatedStateHasNoExitCode() {
        MainStatusTrail trail = trails.follow(ATTEMPT);
        trails.onAdd(pod(running(), false));
        trails.onDelete(pod(running(), true), false);
        assertTrue(trail.gone());
        assertFalse(trail.ended());
        assertNull(timedOut(trail));
        assertEquals(running(), trail.main().getState());
    }

    @Test
    void eventsOfOtherRunsAndOfUnfollowedRunsAreDropped() {
        MainStatusTrail trail = trails.follow(ATTEMPT);
        trails.onDelete(pod("other", terminated(1, "Error"), null, true), false);
        trails.onAdd(new PodBuilder().withNewMetadata().withName("no-labels").endMetadata().build());
        trails.onAdd(new PodBuilder(pod(ATTEMPT, running(), null, false)).withStatus(null).build()); // no status yet
        assertNull(trail.main());
        assertFalse(trail.gone());
        trails.unfollow(ATTEMPT);
        trails.unfollow(ATTEMPT);
        trails.onDelete(pod(terminated(143, "Error"), true), false);
        assertFalse(trail.ended());
        assertFalse(trail.gone());
    }

    @Test
    void aFollowedRunSeesOnlyItsOwnPod() {
        MainStatusTrail mine = trails.follow(ATTEMPT);
        MainStatusTrail theirs = trails.follow("a2");
        Pod other = pod("a2", terminated(2, "Error"), null, false);
        trails.onAdd(other);
        assertNull(mine.main());
        assertEquals(2L, new PodWatch.Ending(theirs.main(), false, false).exitCode());
    }
}
