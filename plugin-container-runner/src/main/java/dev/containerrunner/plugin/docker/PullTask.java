package dev.containerrunner.plugin.docker;

import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;

/**
 * The task a pull is for: where its progress lines go and when it stops waiting for the pull.
 *
 * @param log          the task's live log
 * @param cancellation the task's cancellation: a cancelled task stops waiting (the pull stops when
 *                     no task waits for it any more)
 */
record PullTask(LogSink log, CancellationSignal cancellation) {

    /** No task: progress is dropped and the wait is never cancelled (tools, tests). */
    static final PullTask NONE = new PullTask(LogSink.discarding(), CancellationSignal.never());
}
