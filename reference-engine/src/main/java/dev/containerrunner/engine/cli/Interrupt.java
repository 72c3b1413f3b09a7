package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.WorkflowEngine;

/**
 * A Ctrl-C (SIGINT/SIGTERM) of {@code workflow run}, recorded from the moment the CLI's shutdown hook
 * is installed (before the plugins load): sticky, so an interrupt that comes while the plugins load or
 * the workflow is validated cancels the engine as soon as it exists, and no task starts.
 *
 * @apiNote Thread-safe: {@link #interrupt()} runs on the shutdown hook's thread, {@link #engine} on the CLI's.
 */
final class Interrupt {

    private volatile boolean interrupted;
    private volatile WorkflowEngine engine;

    /** Records the interrupt and cancels the engine, if there is one yet. Idempotent. */
    void interrupt() {
        interrupted = true;
        WorkflowEngine e = engine;
        if (e != null) {
            e.cancelAll();
        }
    }

    /** The engine an interrupt cancels; cancelled at once when the interrupt already came. */
    void engine(WorkflowEngine built) {
        engine = built;
        if (interrupted) { // after the write: an interrupt racing with it either sees the engine or is seen here
            built.cancelAll();
        }
    }
}
