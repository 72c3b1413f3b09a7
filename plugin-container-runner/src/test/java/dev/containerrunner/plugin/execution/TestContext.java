package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.CancellationSource;
import dev.containerrunner.spi.LogSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link ActionContext} for tests that records log lines. */
public final class TestContext implements ActionContext {

    public final CancellationSource cancellation = new CancellationSource();
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final String taskId;
    private final LogSink sink;

    public TestContext(String taskId) {
        this.taskId = taskId;
        this.sink = (stream, line) -> lines.add(stream + " " + line);
    }

    /** A context whose log lines go to {@code sink} instead of being recorded. */
    public TestContext(String taskId, LogSink sink) {
        this.taskId = taskId;
        this.sink = sink;
    }

    @Override
    public String workflowName() {
        return "test";
    }

    @Override
    public String runId() {
        return "run-" + taskId;
    }

    @Override
    public String taskId() {
        return taskId;
    }

    @Override
    public LogSink log() {
        return sink;
    }

    @Override
    public CancellationSignal cancellation() {
        return cancellation;
    }

    @Override
    public Map<String, Object> configuration() {
        return Map.of();
    }
}
