package dev.containerrunner.plugin.execution;

/**
 * What a run tells its backend's {@link Reaper} about one attempt: that it is in flight in this
 * process, when its result was handed back, and that its removal failed. A kept run's retention
 * ({@code collect_retention_seconds}) counts from the later of its main container's exit and the
 * hand-back, so a result's {@code container_id} can be collected for the whole retention even when
 * the action returned long after the container exited (a loaded host, a slow output drain).
 *
 * @apiNote Implementations are thread-safe.
 */
public interface AttemptTracker {

    /** Tracks nothing: failed removals are left to the next sweeps' label rules. */
    AttemptTracker NONE = new AttemptTracker() {
        @Override
        public Hold begin(String attempt) {
            return () -> { };
        }

        @Override
        public void removeLater(String attempt) {
        }
    };

    /**
     * Marks {@code attempt} as in flight until the returned hold is closed (when the action hands its
     * result back, or fails): until then its retention does not begin.
     */
    Hold begin(String attempt);

    /** Remembers an attempt whose removal failed (e.g. the engine was down); every sweep retries it. */
    void removeLater(String attempt);

    /** An attempt in flight; closing it records the hand-back time. Idempotent. */
    interface Hold extends AutoCloseable {

        @Override
        void close();
    }
}
