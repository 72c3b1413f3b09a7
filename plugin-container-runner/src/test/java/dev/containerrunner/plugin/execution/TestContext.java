package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.CancellationSource;
import dev.containerrunner.spi.LogSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link ActionContext} for tests that records log lines and can be cancelled. */
public final class TestContext implements ActionContext {

    public final CancellationSource cancellation = new CancellationSource();
    public final List<String> lines = new CopyOnWriteArrayList<>();
    /** The engine's attempt number this context reports (1 unless a test sets it). */
    public volatile int attempt = 1;
    private final ActionContext delegate;

    public TestContext(String taskId) {
        this.delegate = ActionContext.of("test", "run-" + taskId, taskId, (stream, line) -> lines.add(stream + " " + line),
                cancellation, Map.of());
    }

    /** A context whose log lines go to {@code sink} instead of being recorded. */
    public TestContext(String taskId, LogSink sink) {
        this.delegate = ActionContext.of("test", "run-" + taskId, taskId, sink, cancellation, Map.of());
    }

    @Override
    public String workflowName() {
        return delegate.workflowName();
    }

    @Override
    public String runId() {
        return delegate.runId();
    }

    @Override
    public String taskId() {
        return delegate.taskId();
    }

    @Override
    public LogSink log() {
        return delegate.log();
    }

    @Override
    public CancellationSignal cancellation() {
        return cancellation;
    }

    @Override
    public Map<String, Object> configuration() {
        return delegate.configuration();
    }

    @Override
    public int attempt() {
        return attempt;
    }
}
