package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.HumanText;
import dev.containerrunner.engine.TaskLogListener;
import dev.containerrunner.engine.TaskOutcome;
import dev.containerrunner.engine.TaskProgressListener;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.engine.cli.Arguments.ProgressMode;
import dev.containerrunner.spi.LogSink;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * What {@code workflow run} shows on stderr while it runs: every task line as {@code [task_id] line},
 * and, by {@link ProgressMode}: {@code TTY} a status line updated in place below them (tasks done,
 * running, failed and skipped of the total, elapsed time, the running tasks) redrawn every second;
 * {@code PLAIN} one line per task start and end; both end with a summary table. {@code NONE} adds
 * nothing. Every line goes through {@link HumanText}: a task's line, a reason or a workflow's
 * name cannot carry a control character to the terminal. Thread-safe: the engine calls it from
 * its task threads.
 */
final class ProgressDisplay implements TaskLogListener, TaskProgressListener, AutoCloseable {

    private static final long TICK_MILLIS = 1000;
    /** Reasons longer than this are cut in progress lines and the summary (the JSON document has them whole). */
    private static final int MAX_REASON = 200;

    private final PrintStream err;
    private final StatusLine statusLine;
    private final ProgressMode mode;
    private final int total;
    private final IntSupplier columns;
    private long startNanos = System.nanoTime();
    private final Map<String, Long> running = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> results = new HashMap<>();
    private final ScheduledExecutorService ticker;
    private int succeeded;
    private int failed;
    private int skipped;
    private boolean closed;

    /**
     * @param mode    {@code TTY}, {@code PLAIN} or {@code NONE} ({@code AUTO} already resolved)
     * @param total   how many tasks the workflow has
     * @param columns the terminal's width, for {@code TTY}
     */
    ProgressDisplay(PrintStream err, StatusLine statusLine, ProgressMode mode, int total, IntSupplier columns) {
        if (mode == ProgressMode.AUTO) {
            throw new IllegalArgumentException("resolve AUTO first");
        }
        this.err = err;
        this.statusLine = statusLine;
        this.mode = mode;
        this.total = total;
        this.columns = columns;
        if (mode == ProgressMode.TTY) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "workflow-progress");
                t.setDaemon(true);
                return t;
            });
        } else {
            ticker = null;
        }
    }

    @Override
    public void line(String taskId, LogSink.Stream stream, String line) {
        String tag = switch (stream) {
            case STDOUT -> "";
            case STDERR -> " stderr";
            case SYSTEM -> " #";
        };
        err.println("[" + HumanText.line(taskId) + tag + "] " + HumanText.taskLine(line));
    }

    @Override
    public synchronized void started(String taskId) {
        running.put(taskId, System.nanoTime());
        if (mode == ProgressMode.PLAIN) {
            err.println("workflow: " + HumanText.line(taskId) + " started [" + counts() + "]");
        }
        refresh();
    }

    @Override
    public synchronized void finished(TaskOutcome outcome, Map<String, Object> result) {
        running.remove(outcome.taskId());
        results.put(outcome.taskId(), result);
        switch (outcome.status()) {
            case SUCCEEDED -> succeeded++;
            case FAILED -> failed++;
            case SKIPPED -> skipped++;
        }
        if (mode == ProgressMode.PLAIN) {
            StringBuilder line = new StringBuilder("workflow: ").append(HumanText.line(outcome.taskId())).append(' ')
                    .append(outcome.status().jsonName());
            if (outcome.attempts() > 0) {
                line.append(" in ").append(Durations.seconds(outcome.durationSeconds()));
            }
            Object exitCode = result == null ? null : result.get("exit_code");
            if (exitCode instanceof Number) {
                line.append(", exit code ").append(exitCode);
            }
            String reason = reason(outcome, result);
            if (!reason.isEmpty()) {
                line.append(": ").append(TextTable.fit(reason, MAX_REASON));
            }
            err.println(line.append(" [").append(counts()).append(']'));
        }
        refresh();
    }

    /** Starts the clock (and, for {@code TTY}, the status line redrawn every second); call once, before the run. */
    synchronized void start() {
        startNanos = System.nanoTime();
        if (ticker != null) {
            ticker.scheduleAtFixedRate(this::refresh, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the status line and erases it; idempotent. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        synchronized (this) {
            if (!closed && mode == ProgressMode.TTY) {
                try {
                    statusLine.clear();
                } catch (IOException e) {
                    // stderr is gone: there is nothing left to erase, and the JSON document on stdout must still go out
                }
            }
            closed = true;
        }
    }

    /** Prints the summary table of {@code run} (after {@link #close()}); nothing in mode {@code NONE}. */
    synchronized void summary(WorkflowRun run) {
        if (mode == ProgressMode.NONE) {
            return;
        }
        TextTable table = new TextTable("TASK", "STATUS", "DURATION", "EXIT CODE", "REASON");
        int ok = 0;
        int bad = 0;
        int skip = 0;
        for (TaskOutcome t : run.tasks()) {
            Map<String, Object> result = results.get(t.taskId());
            Object exitCode = result == null ? null : result.get("exit_code");
            boolean ran = t.attempts() > 0;
            table.row(t.taskId(), t.status().jsonName(), ran ? Durations.seconds(t.durationSeconds()) : "-",
                    exitCode instanceof Number ? exitCode : "", TextTable.fit(reason(t, result), MAX_REASON));
            switch (t.status()) {
                case SUCCEEDED -> ok++;
                case FAILED -> bad++;
                case SKIPPED -> skip++;
            }
        }
        err.println("workflow: " + HumanText.line(run.workflow()) + " " + HumanText.line(run.version()) + " "
                + (run.succeeded() ? "succeeded" : "failed")
                + " in " + Durations.clock(elapsedSeconds()) + ": " + ok + " succeeded, " + bad + " failed, " + skip
                + " skipped of " + run.tasks().size());
        err.print(table.render("", 0)); // not cut to the terminal: a long reason wraps rather than lose its end
        err.flush();
    }

    /** The status line's text for now, at most the terminal's width less one column. */
    synchronized String statusText() {
        StringBuilder sb = new StringBuilder("[").append(Durations.clock(elapsedSeconds())).append("] ").append(tally());
        if (!running.isEmpty()) {
            long now = System.nanoTime();
            List<String> names = new ArrayList<>();
            running.forEach((id, since) -> names.add(HumanText.line(id) + " " + Durations.clock((now - since) / 1e9)));
            sb.append("; running: ").append(String.join(", ", names));
        }
        return TextTable.fit(sb.toString(), columns.getAsInt() - 1);
    }

    private String tally() {
        return succeeded + "/" + total + " done, " + running.size() + " running, " + failed + " failed, " + skipped
                + " skipped";
    }

    private String counts() {
        return tally() + ", " + Durations.clock(elapsedSeconds());
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private synchronized void refresh() {
        if (mode != ProgressMode.TTY || closed) {
            return;
        }
        try {
            statusLine.show(statusText());
        } catch (IOException e) {
            closed = true; // stderr is gone (e.g. a closed pipe): stop drawing; the engine's threads must not fail for it
        }
    }

    /**
     * Why a skipped task was skipped; else the task's {@code failure_reason} (e.g. {@code cancelled}
     * while waiting to retry), the result's when it has one, or why the task failed.
     */
    private static String reason(TaskOutcome outcome, Map<String, Object> result) {
        Object failureReason = outcome.status() == TaskOutcome.Status.SKIPPED ? null : outcome.failureReason() != null
                ? outcome.failureReason() : result == null ? null : result.get("failure_reason");
        if (failureReason != null) {
            return TextTable.oneLine(failureReason.toString());
        }
        if (outcome.error() == null || outcome.status() == TaskOutcome.Status.SUCCEEDED) {
            return "";
        }
        String error = outcome.error().startsWith("skipped: ") ? outcome.error().substring("skipped: ".length())
                : outcome.error();
        return TextTable.oneLine(error);
    }
}
