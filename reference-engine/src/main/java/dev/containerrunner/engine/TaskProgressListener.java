package dev.containerrunner.engine;

import java.util.Map;

/**
 * Receives each task's start and end while a workflow runs, e.g. to show progress. Calls come from
 * the engine's scheduling and task threads, concurrently: implementations must be thread-safe, quick
 * and must not throw.
 */
public interface TaskProgressListener {

    /** Does nothing; the engine's default. */
    TaskProgressListener NONE = new TaskProgressListener() {
    };

    /** {@code taskId}'s action is about to be called (on the task's thread). */
    default void started(String taskId) {
    }

    /**
     * {@code outcome}'s task has finished, failed or been skipped.
     *
     * @param result the task's result as stored (read-only), or null when the task was skipped
     */
    default void finished(TaskOutcome outcome, Map<String, Object> result) {
    }
}
