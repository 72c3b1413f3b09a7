package dev.containerrunner.plugin.execution;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import java.util.Map;
import java.util.Objects;

/**
 * The one place where every line the plugin writes to a task's log is made safe: a {@link LogSink}
 * that passes each line through {@link LogText#neutralize} before the engine's sink sees it, and an
 * {@link ActionContext} whose {@link ActionContext#log()} is that sink. The actions wrap their
 * context with {@link #context} before anything else runs, so container lines, container-chosen
 * names, the runner's own lines and engine or cluster messages embedded in them (e.g. {@code the run
 * failed: start container: … stat /nonexistent\r[forged]…}) all arrive neutralised, whatever path
 * wrote them. Neutralising is idempotent, so a line already neutralised is not escaped twice.
 */
public final class NeutralLog {

    private NeutralLog() {
    }

    /**
     * {@code ctx} with a neutralising {@link ActionContext#log()}; {@code ctx} itself when it is one
     * already. The other members are {@code ctx}'s.
     */
    public static ActionContext context(ActionContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        return ctx.log() instanceof Sink ? ctx : new Context(ctx, new Sink(ctx.log()));
    }

    /** {@code sink} neutralising each line; {@code sink} itself when it does already. */
    public static LogSink sink(LogSink sink) {
        Objects.requireNonNull(sink, "sink");
        return sink instanceof Sink ? sink : new Sink(sink);
    }

    /** A sink that neutralises each line for the sink it wraps; thread-safe when that sink is. */
    private record Sink(LogSink target) implements LogSink {
        @Override
        public void line(Stream stream, String line) {
            target.line(stream, line == null ? null : LogText.neutralize(line));
        }
    }

    /** A context whose log is neutralising; everything else is the original's. */
    private record Context(ActionContext original, Sink log) implements ActionContext {
        @Override
        public String workflowName() {
            return original.workflowName();
        }

        @Override
        public String runId() {
            return original.runId();
        }

        @Override
        public String taskId() {
            return original.taskId();
        }

        @Override
        public CancellationSignal cancellation() {
            return original.cancellation();
        }

        @Override
        public Map<String, Object> configuration() {
            return original.configuration();
        }

        @Override
        public int attempt() {
            return original.attempt();
        }
    }
}
