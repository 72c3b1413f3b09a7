package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pod watch's events, handed to the {@link MainStatusTrail} of the run whose pod they concern
 * (by its attempt label); events of pods no run follows are dropped. A DELETED event hands over the
 * pod's final state, also when the watch only learnt of the deletion by listing again (then it is
 * the last state the watch had).
 *
 * @apiNote Thread-safe: the watch calls the handler methods on its thread, runs follow and unfollow on theirs.
 */
final class MainStatusTrails implements ResourceEventHandler<Pod> {

    private final Map<String, MainStatusTrail> trails = new ConcurrentHashMap<>();

    /** Starts recording the states of run {@code attempt}'s pod; returns its (new) trail. */
    MainStatusTrail follow(String attempt) {
        MainStatusTrail trail = new MainStatusTrail();
        trails.put(attempt, trail);
        return trail;
    }

    /** Stops recording run {@code attempt}; idempotent. */
    void unfollow(String attempt) {
        trails.remove(attempt);
    }

    @Override
    public void onAdd(Pod pod) {
        MainStatusTrail trail = trailOf(pod);
        if (trail != null) {
            trail.seen(pod);
        }
    }

    @Override
    public void onUpdate(Pod before, Pod pod) {
        onAdd(pod);
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        MainStatusTrail trail = trailOf(pod);
        if (trail != null) {
            trail.deleted(pod);
        }
    }

    private MainStatusTrail trailOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
        String attempt = labels == null ? null : labels.get(KubeLabels.POD_ATTEMPT);
        return attempt == null ? null : trails.get(attempt);
    }
}
