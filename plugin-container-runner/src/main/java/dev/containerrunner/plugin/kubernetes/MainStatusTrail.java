package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What the runner saw of one run's main container, from every state of its pod it was shown: the
 * pod watch's events (ADDED, MODIFIED, and DELETED, whose object is the pod's final state) and the
 * run's own reads. The kubelet writes the container's terminated state and then deletes the pod
 * object at once, so a stopped pod can be gone from the cache before a read of the cache saw that
 * state: only the events carry it. The first terminated state the kubelet reported is kept; no later
 * state replaces it.
 *
 * <p>The kubelet's {@value #UNKNOWN} ("the container could not be located") is not a reported exit:
 * its exit code 137 is the kubelet's placeholder, not the container's.
 *
 * @apiNote Thread-safe: the watch's thread feeds it, the run's thread reads it.
 */
final class MainStatusTrail {

    /** The reason of a terminated state the kubelet wrote for a container it could not find. */
    static final String UNKNOWN = "ContainerStatusUnknown";

    private ContainerStatus last;
    private ContainerStatus ended;
    private String imageId;
    private boolean gone;

    /** Records the main container's status in {@code pod} (a pod without one changes nothing). */
    synchronized void seen(Pod pod) {
        ContainerStatus main = pod == null ? null : PodStates.main(pod);
        if (main == null) {
            return;
        }
        if (ended == null && reported(main.getState().getTerminated())) {
            ended = main;
        }
        if (main.getImageID() != null && !main.getImageID().isEmpty()) {
            imageId = main.getImageID();
        }
        last = main;
    }

    /** The pod object was deleted; {@code finalState} is its last state the watch knew. */
    synchronized void deleted(Pod finalState) {
        seen(finalState);
        gone = true;
    }

    /**
     * The status to report: the first with a reported terminated state, else the last seen; null when
     * none was seen. When that status lost the image ID (the kubelet's placeholder state has none),
     * it carries the last one the runtime gave while the container existed.
     */
    synchronized ContainerStatus main() {
        ContainerStatus main = ended != null ? ended : last;
        if (main == null || imageId == null || (main.getImageID() != null && !main.getImageID().isEmpty())) {
            return main;
        }
        return new ContainerStatusBuilder(main).withImageID(imageId).build();
    }

    /**
     * Whether the last status seen is the kubelet's {@value #UNKNOWN} placeholder (in the state or the
     * last state): the container is gone and no exit of it will be reported any more.
     */
    synchronized boolean lost() {
        return last != null && (unknown(last.getState().getTerminated())
                || last.getLastState() != null && unknown(last.getLastState().getTerminated()));
    }

    private static boolean unknown(ContainerStateTerminated t) {
        return t != null && UNKNOWN.equals(t.getReason());
    }

    /** Whether the kubelet reported the main container terminated, with its exit code. */
    synchronized boolean ended() {
        return ended != null;
    }

    /** Whether the watch saw the pod object deleted: no later state of it will come. */
    synchronized boolean gone() {
        return gone;
    }

    /** Whether {@code t} is an exit the kubelet reported: a terminated state with an exit code, not its placeholder. */
    static boolean reported(ContainerStateTerminated t) {
        return t != null && t.getExitCode() != null && !UNKNOWN.equals(t.getReason());
    }
}
