package dev.containerrunner.engine;

import dev.containerrunner.engine.plugins.InstalledApp;
import dev.containerrunner.engine.plugins.PluginDiscovery;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference engine: finds apps, configures them, validates workflows and runs them.
 *
 * <pre>{@code
 * try (WorkflowEngine engine = WorkflowEngine.builder().pluginDirectory(dir).build()) {
 *     WorkflowRun run = engine.run(workflow);
 *     Map<String, Object> result = run.result("python_result");
 * }
 * }</pre>
 */
public final class WorkflowEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowEngine.class);

    private final AppCatalog catalog;
    private final int maxParallelTasks;
    private final TaskLogListener logListener;
    private final TaskProgressListener progressListener;
    private final BackoffTimer backoff;
    private final EngineTracing tracing;
    private final Set<WorkflowExecution> active = ConcurrentHashMap.newKeySet();
    /** Sticky: once {@link #cancelAll()} was called, every run (also one not yet begun) starts no task. */
    private volatile boolean cancelled;

    private WorkflowEngine(AppCatalog catalog, int maxParallelTasks, TaskLogListener logListener,
                           TaskProgressListener progressListener, BackoffTimer backoff, EngineTracing tracing) {
        this.catalog = catalog;
        this.maxParallelTasks = maxParallelTasks;
        this.logListener = logListener;
        this.progressListener = progressListener;
        this.backoff = backoff;
        this.tracing = tracing;
    }

    public static Builder builder() {
        return new Builder();
    }

    public AppCatalog catalog() {
        return catalog;
    }

    /** Checks {@code workflow} against the installed apps without running anything. */
    public Plan validate(Workflow workflow) {
        return WorkflowValidator.plan(workflow, catalog);
    }

    /**
     * Validates and runs {@code workflow}; returns when every task has finished or been skipped.
     * After {@link #cancelAll()} (even one that came before this call) no task starts: each is
     * skipped as cancelled and the run does not succeed.
     *
     * @throws WorkflowDefinitionException when the workflow is invalid (then nothing ran)
     */
    public WorkflowRun run(Workflow workflow) {
        Plan plan = validate(workflow);
        WorkflowExecution execution = new WorkflowExecution(plan, maxParallelTasks, logListener, progressListener, backoff,
                tracing);
        active.add(execution);
        if (cancelled) { // after the add: a cancelAll racing with it either sees the execution or is seen here
            execution.cancel();
        }
        try {
            return execution.run();
        } finally {
            active.remove(execution);
            for (InstalledApp app : catalog.apps()) {
                try {
                    app.app().runFinished(execution.runId());
                } catch (RuntimeException e) {
                    LOG.warn("app {} failed to release run {}: {}", HumanText.line(app.app().id()), execution.runId(),
                            HumanText.line(e.getMessage()), e);
                }
            }
        }
    }

    /**
     * Cancels every running task of every active run (e.g. on Ctrl-C); their actions stop their work.
     * Sticky: runs begun later start no task either. Thread-safe; idempotent.
     */
    public void cancelAll() {
        cancelled = true;
        active.forEach(WorkflowExecution::cancel);
    }

    @Override
    public void close() {
        cancelAll();
        catalog.close();
    }

    /** Configures an engine. */
    public static final class Builder {
        private boolean classpath = true;
        private final List<Path> pluginDirectories = new ArrayList<>();
        private EngineConfig config = EngineConfig.empty();
        private TaskLogListener logListener = (task, stream, line) -> { };
        private TaskProgressListener progressListener = TaskProgressListener.NONE;
        private BackoffTimer backoff = BackoffTimer.REAL;
        private OpenTelemetry openTelemetry;

        /** Whether apps on the engine's own classpath are used (default true). */
        public Builder classpathDiscovery(boolean enabled) {
            this.classpath = enabled;
            return this;
        }

        /** A directory whose jars are each loaded as an isolated plugin. */
        public Builder pluginDirectory(Path dir) {
            pluginDirectories.add(Objects.requireNonNull(dir));
            return this;
        }

        public Builder config(EngineConfig engineConfig) {
            this.config = Objects.requireNonNull(engineConfig);
            return this;
        }

        public Builder logListener(TaskLogListener listener) {
            this.logListener = Objects.requireNonNull(listener);
            return this;
        }

        /** Told when each task starts and ends (default: nobody). */
        public Builder progressListener(TaskProgressListener listener) {
            this.progressListener = Objects.requireNonNull(listener);
            return this;
        }

        /** How the waits between a task's attempts pass (default {@link BackoffTimer#REAL}: the clock). */
        public Builder backoffTimer(BackoffTimer timer) {
            this.backoff = Objects.requireNonNull(timer);
            return this;
        }

        /**
         * Where the engine's spans go (default: {@link GlobalOpenTelemetry#getOrNoop()}, read by
         * {@link #build()}: set the global before building, as plugins read the same global).
         */
        public Builder openTelemetry(OpenTelemetry otel) {
            this.openTelemetry = Objects.requireNonNull(otel);
            return this;
        }

        /**
         * Finds and configures the apps.
         *
         * @throws WorkflowDefinitionException or {@link dev.containerrunner.spi.InvalidConfigurationException}
         *         when a plugin or the configuration cannot be used
         */
        public WorkflowEngine build() {
            List<PluginDiscovery.Found> found = new ArrayList<>();
            if (classpath) {
                found.addAll(PluginDiscovery.onClasspath(WorkflowEngine.class.getClassLoader()));
            }
            for (Path dir : pluginDirectories) {
                found.addAll(PluginDiscovery.inDirectory(dir));
            }
            return new WorkflowEngine(AppCatalog.create(found, config.apps()), config.maxParallelTasks(), logListener,
                    progressListener, backoff, new EngineTracing(openTelemetry != null ? openTelemetry : GlobalOpenTelemetry.getOrNoop()));
        }
    }
}
