package dev.containerrunner.spi;

import java.util.Map;

/** What the engine hands to each action invocation. */
public interface ActionContext {

    /** Name of the workflow the task belongs to. */
    String workflowName();

    /** Unique id of this workflow run. */
    String runId();

    /** The task's id inside its workflow. */
    String taskId();

    /** Where live output lines go while the action runs (the CLI shows them on stderr). */
    LogSink log();

    /** Becomes cancelled when the engine wants the task to stop. */
    CancellationSignal cancellation();

    /** The app's configuration section as given to {@link TaskApp#configure(Map)}. */
    Map<String, Object> configuration();

    /**
     * Which attempt of the task this invocation is, from 1: an engine that retries a failed task
     * (e.g. the reference engine's {@code retry}) invokes the action again with the next number.
     * Engines that never retry need not implement it: the default is 1.
     */
    default int attempt() {
        return 1;
    }

    /** A plain context, e.g. for an engine or a test. */
    static ActionContext of(String workflowName, String runId, String taskId, LogSink log, CancellationSignal cancellation,
                            Map<String, Object> configuration) {
        return new Basic(workflowName, runId, taskId, log, cancellation, configuration);
    }

    /**
     * A plain context of attempt {@code attempt} (from 1) of its task.
     *
     * @throws IllegalArgumentException when {@code attempt} is below 1
     */
    static ActionContext of(String workflowName, String runId, String taskId, LogSink log, CancellationSignal cancellation,
                            Map<String, Object> configuration, int attempt) {
        return new Basic(workflowName, runId, taskId, log, cancellation, configuration, attempt);
    }

    /** The context {@link #of} returns. */
    record Basic(String workflowName, String runId, String taskId, LogSink log, CancellationSignal cancellation,
                 Map<String, Object> configuration, int attempt) implements ActionContext {

        /** @throws IllegalArgumentException when {@code attempt} is below 1 */
        public Basic {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be 1 or more, got " + attempt);
            }
        }

        /** The first attempt's context. */
        public Basic(String workflowName, String runId, String taskId, LogSink log, CancellationSignal cancellation,
                     Map<String, Object> configuration) {
            this(workflowName, runId, taskId, log, cancellation, configuration, 1);
        }
    }
}
