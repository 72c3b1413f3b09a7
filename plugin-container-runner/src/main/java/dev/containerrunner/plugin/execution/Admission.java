package dev.containerrunner.plugin.execution;

/**
 * Decides, from an entry's header alone and before any of its content is read, what becomes of
 * it: read (within the action's budget), walked (a directory), resolved later (a link), reported
 * (too large, not a regular file, over budget) or the end of the tree (the entries budget is
 * spent). Called by a {@link CollectSource.RunFiles} exactly once per entry, in order.
 */
@FunctionalInterface
public interface Admission {

    /** The verdict on {@code entry}. */
    Verdict judge(TreeEntry entry);

    /**
     * The largest regular file the next verdict could admit, in bytes, so a source that lists and
     * reads in one step (the Kubernetes keeper) reads a single file at once when it may fit.
     */
    default long sizeHint() {
        return Long.MAX_VALUE;
    }

    /**
     * What becomes of one entry.
     *
     * @param reserved the bytes of the inline budget set aside for it (DELIVER only)
     * @param failure  the entry reported instead (REJECT and STOP), else null
     */
    record Verdict(Action action, long reserved, CollectedFile.Failed failure) {

        /** What the source and the collector do with the entry. */
        public enum Action {
            /** read its content (a regular file within the budget). */
            DELIVER,
            /** nothing to report: a directory, whose children follow. */
            WALK,
            /** a link: resolved once the tree has been read. */
            DEFER,
            /** reported as {@code failure}; its content is never read. */
            REJECT,
            /** the entries budget is spent: the source stops; {@code failure} says so. */
            STOP
        }

        /** Read it. */
        public static Verdict deliver(long reserved) {
            return new Verdict(Action.DELIVER, reserved, null);
        }

        /** A directory. */
        public static final Verdict WALK = new Verdict(Action.WALK, 0, null);

        /** A link to resolve later. */
        public static final Verdict DEFER = new Verdict(Action.DEFER, 0, null);

        /** Report {@code failure} instead. */
        public static Verdict reject(CollectedFile.Failed failure) {
            return new Verdict(Action.REJECT, 0, failure);
        }

        /** Stop here, reporting {@code failure}. */
        public static Verdict stop(CollectedFile.Failed failure) {
            return new Verdict(Action.STOP, 0, failure);
        }

        /** Whether the source must deliver the entry's content. */
        public boolean wantsContent() {
            return action == Action.DELIVER;
        }
    }
}
