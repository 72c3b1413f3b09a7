package dev.containerrunner.engine;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.CancellationSource;
import dev.containerrunner.spi.KwargsValidator;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.spi.ResultFields;
import dev.containerrunner.spi.ResultStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of a {@link Plan}: tasks in dependency order on a bounded pool. */
final class WorkflowExecution {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowExecution.class);

    private final Plan plan;
    private final int maxParallel;
    private final TaskLogListener logListener;
    private final String runId = UUID.randomUUID().toString();
    private final ResultStore store = new ResultStore();
    private final Map<String, TaskOutcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, CancellationSource> running = new ConcurrentHashMap<>();
    private volatile boolean cancelled;

    WorkflowExecution(Plan plan, int maxParallel, TaskLogListener logListener) {
        this.plan = plan;
        this.maxParallel = maxParallel;
        this.logListener = logListener;
    }

    String runId() {
        return runId;
    }

    void cancel() {
        cancelled = true;
        running.values().forEach(CancellationSource::cancel);
    }

    WorkflowRun run() {
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
        boolean ok = ordered.stream().allMatch(o -> o.status() == TaskOutcome.Status.SUCCEEDED);
        return new WorkflowRun(plan.workflow().name(), plan.workflow().version(), runId, ok, results, ordered);
    }

    private void schedule(CompletionService<TaskOutcome> completion) {
        List<Plan.PlannedTask> pending = new ArrayList<>(plan.tasks());
        int inFlight = 0;
        while (!pending.isEmpty() || inFlight > 0) {
            int before = pending.size();
            for (var it = pending.iterator(); it.hasNext() && inFlight < maxParallel; ) {
                Plan.PlannedTask t = it.next();
                String blocker = blocker(t);
                if (blocker != null) {
                    it.remove();
                    String why = cancelled ? "skipped: the run was cancelled"
                            : "skipped: dependency '" + blocker + "' did not succeed";
                    outcomes.put(t.spec().taskId(), new TaskOutcome(t.spec().taskId(), t.spec().function(),
                            TaskOutcome.Status.SKIPPED, 0.0, why));
                } else if (ready(t)) {
                    it.remove();
                    completion.submit(() -> execute(t));
                    inFlight++;
                }
            }
            if (inFlight == 0) {
                if (pending.size() == before) {
                    throw new IllegalStateException("no task can start: " + pending); // a validated plan never gets here
                }
                continue; // only skips happened; look again
            }
            TaskOutcome done = take(completion);
            outcomes.put(done.taskId(), done);
            inFlight--;
        }
    }

    private String blocker(Plan.PlannedTask t) {
        if (cancelled) {
            return "(cancelled)";
        }
        for (String dep : t.dependencies()) {
            TaskOutcome o = outcomes.get(dep);
            if (o != null && o.status() != TaskOutcome.Status.SUCCEEDED) {
                return dep;
            }
        }
        return null;
    }

    private boolean ready(Plan.PlannedTask t) {
        return t.dependencies().stream().allMatch(outcomes::containsKey);
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
        long start = System.nanoTime();
        CancellationSource cancellation = new CancellationSource();
        running.put(spec.taskId(), cancellation);
        if (cancelled) {
            cancellation.cancel();
        }
        Map<String, Object> result;
        String error = null;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> kwargs = (Map<String, Object>) Templates.resolve(spec.kwargs(), store,
                    plan.storageKeys()::get, Json::write);
            // the handler checks values itself; its validator already ran at plan time where it could
            Map<String, Object> filled = KwargsValidator.validate(t.action().action(), kwargs);
            // the app's own loader as context loader, as plugin libraries that use ServiceLoader expect
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(t.action().app().getClass().getClassLoader());
            try {
                result = Json.normalise(t.action().action().handler().invoke(filled, context(spec, cancellation, t)));
            } finally {
                thread.setContextClassLoader(previous);
            }
            if (Boolean.FALSE.equals(result.get("success"))) {
                Object why = result.get("error");
                error = why != null ? String.valueOf(why) : "the action reported success: false";
            }
        } catch (RuntimeException e) {
            error = e.getMessage() != null ? e.getMessage() : e.toString();
            LOG.debug("task {} failed", spec.taskId(), e);
            result = new LinkedHashMap<>();
            result.put("success", false);
            result.put("error", error);
            if (e instanceof ResultFields fields) {
                Json.normalise(fields.resultFields()).forEach(result::putIfAbsent); // e.g. failure_reason
            }
        } finally {
            running.remove(spec.taskId());
        }
        store.put(spec.storageKey(), result);
        double seconds = (System.nanoTime() - start) / 1e9;
        TaskOutcome.Status status = error == null ? TaskOutcome.Status.SUCCEEDED : TaskOutcome.Status.FAILED;
        return new TaskOutcome(spec.taskId(), spec.function(), status, Math.round(seconds * 1000) / 1000.0, error);
    }

    private ActionContext context(TaskSpec spec, CancellationSignal cancellation, Plan.PlannedTask t) {
        LogSink sink = (stream, line) -> logListener.line(spec.taskId(), stream, line);
        return ActionContext.of(plan.workflow().name(), runId, spec.taskId(), sink, cancellation, t.action().configuration());
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
