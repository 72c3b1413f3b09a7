package dev.containerrunner.plugin.execution;

/**
 * Reading a run's files stopped before the end: the task was cancelled, the action's deadline
 * passed ({@code collect_timeout_seconds}), or it read through more bytes it did not deliver than
 * {@code max_collect_skip_bytes} allows. The first two end the whole action; the last only the
 * tree being read.
 */
public final class CollectAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final CollectedFile.Reason reason;
    private final boolean wholeAction;

    /**
     * @param reason      {@code CANCELLED} or {@code BUDGET_EXCEEDED}
     * @param wholeAction whether nothing more may be read in this action
     */
    public CollectAbortedException(CollectedFile.Reason reason, boolean wholeAction, String message) {
        super(message);
        this.reason = reason;
        this.wholeAction = wholeAction;
    }

    /** Why reading stopped, as a failure reason. */
    public CollectedFile.Reason reason() {
        return reason;
    }

    /** Whether the whole action stops (cancellation, deadline) or only the tree being read. */
    public boolean wholeAction() {
        return wholeAction;
    }
}
