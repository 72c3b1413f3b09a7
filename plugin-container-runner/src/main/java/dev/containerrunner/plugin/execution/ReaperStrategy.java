package dev.containerrunner.plugin.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the {@link Reaper} needs from one backend: the runs the runner created, when their main
 * container ended, and how to delete one. The rules (when a run goes) are the reaper's; a strategy
 * only lists and deletes.
 *
 * @param <R> the backend's handle on one listed run; equal handles name the same run
 * @apiNote Implementations are called from the reaper's sweep thread and from task threads at
 *          once, and must be thread-safe.
 */
public interface ReaperStrategy<R extends ReaperStrategy.Run> {

    /** One run as listed: what the reaper decides by. */
    interface Run {

        /** The run's labels, parsed. */
        RunLabels labels();
    }

    /** The backend's name for log lines and the sweep thread, e.g. {@code docker}. */
    String name();

    /**
     * Every run carrying the {@link Labels#MANAGED_BY} label, one entry per run.
     *
     * @throws ContainerEngineException when the engine or cluster cannot list them
     */
    List<R> list();

    /**
     * When the main container of each of {@code runs} ended, for those whose has ended; a run
     * still running (or whose state cannot be read now) is absent.
     *
     * @throws ContainerEngineException when the engine or cluster cannot be asked at all
     */
    Map<R, Instant> mainFinishedAt(List<R> runs);

    /**
     * Deletes one listed run and everything it owns; deleting what is already gone succeeds.
     *
     * @throws ContainerEngineException when some of it could not be deleted
     */
    void delete(R run);

    /**
     * Deletes everything labelled with {@code attempt}; deleting what is already gone succeeds.
     *
     * @throws ContainerEngineException when some of it could not be deleted
     */
    void deleteAttempt(String attempt);
}
