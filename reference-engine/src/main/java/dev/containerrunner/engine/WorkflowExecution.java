package dev.containerrunner.engine;

import dev.containerrunner.spi.CancellationSource;
import dev.containerrunner.spi.ResultStore;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a {@link Plan}: tasks in dependency order on a bounded pool, each run to its end by
 * {@link TaskAttempts}; a task that did not succeed (failed, or skipped for its exit code) skips its
 * dependents.
 */
final class WorkflowExecution {

    private static final String CANCELLED = "skipped: the run was cancelled";

    private final Plan plan;
    private final int maxParallel;
    private final TaskProgressListener progress;
    private final String runId = UUID.randomUUID().toString();
    private final ResultStore store = new ResultStore();
    private final Map<String, TaskOutcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, CancellationSource> running = new ConcurrentHashMap<>();
    private final TaskAttempts attempts;
    private final EngineTracing tracing;
    private final Span span;
    private volatile boolean cancelled;

    WorkflowExecution(Plan plan, int maxParallel, TaskLogListener logListener, TaskProgressListener progress,
                      BackoffTimer backoff, EngineTracing tracing) {
        this.plan = plan;
        this.maxParallel = maxParallel;
        this.progress = progress;
        this.tracing = tracing;
        this.span = tracing.startRun(plan, runId);
        this.attempts = new TaskAttempts(plan, runId, store, logListener, backoff, tracing, Context.current().with(span));
    }

    String runId() {
        return runId;
    }

    void cancel() {
        cancelled = true;
        running.values().forEach(CancellationSource::cancel);
    }

    /** Runs the plan; the run's span ({@link EngineTracing}) ends when this returns or throws. */
    WorkflowRun run() {
        boolean ok = false;
        try {
            WorkflowRun run = runTasks();
            ok = run.succeeded();
            return run;
        } finally {
            EngineTracing.endRun(span, ok);
        }
    }

    private WorkflowRun runTasks() {
        ExecutorService pool = Executors.newFixedThreadPool(maxParallel, threads(plan.workflow().name()));
        try {
            schedule(new ExecutorCompletionService<>(pool));
        } finally {
            pool.shutdownNow();
        }
        List<TaskOutcome> ordered = new ArrayList<>();
        for (Plan.PlannedTask t : plan.tasks()) {
            ordered.add(outcomes.get(t.spec().taskId()));
        }
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        for (Plan.PlannedTask t : plan.tasks()) {
            if (t.spec().resultKey() != null) {
                store.get(t.spec().resultKey()).ifPresent(r -> results.put(t.spec().resultKey(), r));
            }
        }
        // skipped tasks only fail a run through the failure that skipped them; a skip by exit code is no failure
        boolean ok = ordered.stream().noneMatch(o -> o.status() == TaskOutcome.Status.FAILED || CANCELLED.equals(o.error()));
        return new WorkflowRun(plan.workflow().name(), plan.workflow().version(), runId, ok, results, ordered);
    }

    /**
     * Starts tasks as their prerequisites succeed, at most {@code maxParallel} at a time, in
     * O(tasks + edges): a finished task releases (or skips) only its own dependents, and a skip
     * travels down the graph once. Ready tasks start in the order they became ready.
     */
    private void schedule(CompletionService<TaskOutcome> completion) {
        Map<String, Integer> unmet = new HashMap<>();
        Map<String, List<Plan.PlannedTask>> dependents = new HashMap<>();
        Deque<Plan.PlannedTask> ready = new ArrayDeque<>();
        for (Plan.PlannedTask t : plan.tasks()) {
            unmet.put(t.spec().taskId(), t.dependencies().size());
            t.dependencies().forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t));
            if (t.dependencies().isEmpty()) {
                ready.add(t);
            }
        }
        Set<String> started = new HashSet<>();
        boolean cancelSeen = false;
        int inFlight = 0;
        while (true) {
            if (cancelled && !cancelSeen) {
                cancelSeen = true;
                ready.clear();
                for (Plan.PlannedTask t : plan.tasks()) {
                    if (!started.contains(t.spec().taskId()) && !outcomes.containsKey(t.spec().taskId())) {
                        outcomes.put(t.spec().taskId(), skipped(t, CANCELLED));
                        progress.finished(outcomes.get(t.spec().taskId()), null);
                    }
                }
            }
            while (inFlight < maxParallel && !ready.isEmpty()) {
                Plan.PlannedTask t = ready.poll();
                started.add(t.spec().taskId());
                completion.submit(() -> execute(t));
                inFlight++;
            }
            if (inFlight == 0) {
                break;
            }
            TaskOutcome done = take(completion);
            outcomes.put(done.taskId(), done);
            inFlight--;
            release(done, dependents, unmet, ready);
        }
        if (outcomes.size() != plan.tasks().size()) { // a validated plan never gets here
            throw new IllegalStateException("tasks never became ready: " + plan.tasks().stream()
                    .map(t -> t.spec().taskId()).filter(id -> !outcomes.containsKey(id)).limit(20).toList());
        }
    }

    /** Counts {@code done} towards its dependents; if it did not succeed, skips them and theirs. */
    private void release(TaskOutcome done, Map<String, List<Plan.PlannedTask>> dependents, Map<String, Integer> unmet,
                         Deque<Plan.PlannedTask> ready) {
        Deque<TaskOutcome> settled = new ArrayDeque<>();
        settled.add(done);
        while (!settled.isEmpty()) {
            TaskOutcome o = settled.poll();
            for (Plan.PlannedTask d : dependents.getOrDefault(o.taskId(), List.of())) {
                String id = d.spec().taskId();
                if (outcomes.containsKey(id)) {
                    continue; // already skipped through another prerequisite, or by cancellation
                }
                if (o.status() == TaskOutcome.Status.SUCCEEDED) {
                    if (unmet.merge(id, -1, Integer::sum) == 0) {
                        ready.add(d);
                    }
                } else {
                    TaskOutcome skip = skipped(d, cancelled ? CANCELLED
                            : "skipped: dependency '" + o.taskId() + "' did not succeed");
                    outcomes.put(id, skip);
                    progress.finished(skip, null);
                    settled.add(skip);
                }
            }
        }
    }

    private static TaskOutcome skipped(Plan.PlannedTask t, String why) {
        return new TaskOutcome(t.spec().taskId(), t.spec().function(), TaskOutcome.Status.SKIPPED, 0.0, why);
    }

    private static TaskOutcome take(CompletionService<TaskOutcome> completion) {
        try {
            return completion.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for tasks", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("task bookkeeping failed", e.getCause()); // execute() catches everything
        }
    }

    private TaskOutcome execute(Plan.PlannedTask t) {
        TaskSpec spec = t.spec();
        if (cancelled) { // cancelled after the scheduler handed it over: it does not start
            TaskOutcome skip = skipped(t, CANCELLED);
            progress.finished(skip, null);
            return skip;
        }
        CancellationSource cancellation = new CancellationSource();
        running.put(spec.taskId(), cancellation);
        progress.started(spec.taskId());
        if (cancelled) { // cancelled since the check above: the action sees isCancelled() from its start
            cancellation.cancel();
        }
        TaskOutcome outcome;
        try {
            outcome = attempts.execute(t, cancellation);
        } finally {
            running.remove(spec.taskId());
        }
        progress.finished(outcome, store.get(spec.storageKey()).map(TaskAttempts::readOnly).orElse(null));
        return outcome;
    }

    private static ThreadFactory threads(String workflow) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, "workflow-" + workflow + "-task-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }
}
