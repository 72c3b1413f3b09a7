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

    /** A plain context, e.g. for an engine or a test. */
    static ActionContext of(String workflowName, String runId, String taskId, LogSink log, CancellationSignal cancellation,
                            Map<String, Object> configuration) {
        return new Basic(workflowName, runId, taskId, log, cancellation, configuration);
    }

    /** The context {@link #of} returns. */
    record Basic(String workflowName, String runId, String taskId, LogSink log, CancellationSignal cancellation,
                 Map<String, Object> configuration) implements ActionContext {
    }
}
