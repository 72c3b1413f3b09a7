package dev.containerrunner.plugin.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what the runner created once it is no longer wanted, deciding by labels only (so it also
 * cleans up after a process that crashed), on every backend through its {@link ReaperStrategy}. A
 * run is removed when:
 * <ul>
 *   <li>its owner process is gone (same host, no process with that pid and start time), or</li>
 *   <li>its hard bound {@code expires-at} has passed (running or not), or</li>
 *   <li>its main container ended, and its result was handed back (for the attempts of this
 *       process, see {@link AttemptTracker}), longer than its retention ago.</li>
 * </ul>
 * Sweeps run when the backend first connects (reaping at start-up) and then every
 * {@code janitor_interval_seconds}; each also retries the removals that failed earlier. At the end
 * of a workflow run the runs of this process labelled {@code release-at-run-end} go; at
 * {@link #close()} everything this process still keeps.
 *
 * @apiNote Thread-safe: sweeps run on one daemon thread, the other methods on task threads.
 */
public final class Reaper implements AttemptTracker, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    private final ReaperStrategy<?> strategy;
    private final Clock clock;
    private final LongConsumer removedListener;
    private final Set<String> retry = ConcurrentHashMap.newKeySet();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> handedBack = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private boolean closed;

    public Reaper(ReaperStrategy<?> strategy, Clock clock) {
        this(strategy, clock, n -> { });
    }

    /** @param removedListener told how many runs each sweep, run end or close removed (e.g. for a metric) */
    public Reaper(ReaperStrategy<?> strategy, Clock clock, LongConsumer removedListener) {
        this.strategy = strategy;
        this.clock = clock;
        this.removedListener = removedListener;
    }

    /**
     * Sweeps now, then every {@code interval}; a failed periodic sweep is logged and the next one
     * runs as planned. Does nothing when already started or closed.
     *
     * @throws ContainerEngineException when the first sweep fails (nothing is scheduled then)
     */
    public synchronized void start(Duration interval) {
        if (scheduler != null || closed) {
            return;
        }
        int first = sweep();
        if (first > 0) {
            LOG.info("reaped at start-up: {} {} runs left by earlier processes", first, strategy.name());
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "container-runner-" + strategy.name() + "-reaper");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::periodicSweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void periodicSweep() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("janitor sweep failed: {}", e.getMessage());
        }
    }

    @Override
    public void removeLater(String attemptId) {
        retry.add(attemptId);
    }

    @Override
    public Hold begin(String attempt) {
        inFlight.add(attempt);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                handedBack.put(attempt, clock.instant()); // before leaving inFlight: a sweep always sees one of them
                inFlight.remove(attempt);
            }
        };
    }

    /**
     * One sweep: retries the failed removals, then removes every run the rules say is done.
     *
     * @return how many listed runs it removed
     * @throws ContainerEngineException when the runs cannot be listed
     */
    public synchronized int sweep() {
        int retried = 0;
        for (String attempt : List.copyOf(retry)) {
            try {
                strategy.deleteAttempt(attempt);
                retry.remove(attempt);
                retried++;
            } catch (ContainerEngineException e) {
                LOG.debug("attempt {} still not removable: {}", attempt, e.getMessage());
            }
        }
        int removed = removeDue(strategy, clock.instant());
        removedListener.accept(retried + removed);
        return removed;
    }

    private <R extends ReaperStrategy.Run> int removeDue(ReaperStrategy<R> s, Instant now) {
        List<R> due = new ArrayList<>();
        List<R> living = new ArrayList<>();
        List<R> listed = s.list();
        for (R run : listed) {
            (run.labels().ownerIsGone() || run.labels().expired(now) ? due : living).add(run);
        }
        forgetHandedBackBefore(now, listed);
        living.removeIf(run -> inFlight.contains(String.valueOf(run.labels().attempt())));
        Map<R, Instant> finished = living.isEmpty() ? Map.of() : s.mainFinishedAt(living);
        for (R run : living) {
            Instant end = retentionStart(finished.get(run), run.labels().attempt());
            if (end != null && run.labels().retentionOver(end, now)) {
                due.add(run);
            }
        }
        int removed = 0;
        for (R run : due) {
            if (delete(s, run)) {
                removed++;
            }
        }
        return removed;
    }

    private Instant retentionStart(Instant exited, String attempt) {
        Instant back = attempt == null ? null : handedBack.get(attempt);
        return exited == null || back == null || exited.isAfter(back) ? exited : back;
    }

    /** Hand-back times of attempts no longer listed (removed by their run or a sweep) are forgotten. */
    private <R extends ReaperStrategy.Run> void forgetHandedBackBefore(Instant listedAt, List<R> listed) {
        Set<String> present = new HashSet<>();
        listed.forEach(run -> present.add(run.labels().attempt()));
        handedBack.entrySet().removeIf(e -> !present.contains(e.getKey()) && e.getValue().isBefore(listedAt));
    }

    /**
     * Removes one attempt now (collect_output's {@code release: true}); when that fails it is
     * logged and retried by the next sweeps.
     */
    public void release(String attemptId) {
        try {
            strategy.deleteAttempt(attemptId);
        } catch (ContainerEngineException e) {
            LOG.warn("could not delete run {} now, will retry: {}", attemptId, e.getMessage());
            retry.add(attemptId);
        }
    }

    /**
     * Removes the runs of the finished workflow run {@code runId} that this process keeps only
     * until then ({@code release-at-run-end}).
     *
     * @throws ContainerEngineException when the runs cannot be listed
     */
    public void runFinished(String runId) {
        removeAll(strategy, l -> runId.equals(l.run()) && l.releaseAtRunEnd() && l.ownedByThisProcess());
    }

    private <R extends ReaperStrategy.Run> void removeAll(ReaperStrategy<R> s, Predicate<RunLabels> which) {
        int removed = 0;
        for (R run : s.list()) {
            if (which.test(run.labels()) && delete(s, run)) {
                removed++;
            }
        }
        removedListener.accept(removed);
    }

    private <R extends ReaperStrategy.Run> boolean delete(ReaperStrategy<R> s, R run) {
        try {
            s.delete(run);
            return true;
        } catch (ContainerEngineException e) {
            LOG.warn("could not delete run {}: {}", run.labels().attempt(), e.getMessage());
            if (run.labels().attempt() != null) {
                retry.add(run.labels().attempt());
            }
            return false;
        }
    }

    /**
     * Stops sweeping and removes every run this process still keeps. When the engine or cluster
     * cannot be reached that is logged: the runs' expiry still bounds them. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        try {
            removeAll(strategy, RunLabels::ownedByThisProcess);
        } catch (ContainerEngineException e) {
            LOG.warn("could not delete this process's runs at close: {}", e.getMessage());
        }
    }
}
