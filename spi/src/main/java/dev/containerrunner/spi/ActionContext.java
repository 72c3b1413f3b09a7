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
}
