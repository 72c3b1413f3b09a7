package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.Json;
import dev.containerrunner.engine.Plan;
import dev.containerrunner.engine.Workflow;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowFiles;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.engine.plugins.InstalledApp;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.spi.ParameterSpec;
import dev.containerrunner.spi.TaskAppException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/workflow run|apps|validate}. Public API: stdout carries exactly one JSON document;
 * live task lines and messages go to stderr. Exit codes: 0 all tasks succeeded (or valid),
 * 1 a task failed, 2 invalid workflow, configuration, plugins or usage (nothing ran).
 */
public final class WorkflowCli {

    public static final int OK = 0;
    public static final int TASK_FAILED = 1;
    public static final int INVALID = 2;

    private static final String USAGE = """
            usage:
              workflow run FILE [--config CONFIG] [--plugins DIR]...
              workflow validate FILE [--config CONFIG] [--plugins DIR]...
              workflow apps [--config CONFIG] [--plugins DIR]...
            FILE and CONFIG are YAML or JSON. Plugin directories also come from WORKFLOW_PLUGINS
            (separated by ':'). Exit codes: 0 success, 1 a task failed, 2 invalid input.""";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public WorkflowCli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /**
     * The CLI's entry point. stdout and stderr are UTF-8 whatever the locale (with LANG/LC_ALL unset,
     * Java 17 would otherwise write every non-ASCII character as '?'); they replace System.out/err so
     * that log lines of the engine and plugins are UTF-8 too.
     */
    public static void main(String[] args) {
        PrintStream out = utf8(FileDescriptor.out);
        PrintStream err = utf8(FileDescriptor.err);
        System.setOut(out);
        System.setErr(err);
        int code = new WorkflowCli(out, err, System.getenv()).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    private static PrintStream utf8(FileDescriptor fd) {
        // autoflush, like System.out: the JSON document is on its way before a shutdown hook can halt the JVM
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 8192), true, StandardCharsets.UTF_8);
    }

    /** Runs one command and returns its exit code. */
    public int execute(String[] args) {
        Arguments a;
        try {
            a = Arguments.parse(args, env);
        } catch (Arguments.UsageException e) {
            err.println("workflow: " + e.getMessage());
            err.println(USAGE);
            return invalid(e.getMessage());
        }
        return switch (a.command()) {
            case "run" -> run(a);
            case "validate" -> validate(a);
            case "apps" -> apps(a);
            default -> throw new IllegalStateException(a.command());
        };
    }

    private WorkflowEngine engine(Arguments a, boolean printLogs) {
        EngineConfig config = a.config() == null ? EngineConfig.empty() : EngineConfig.load(a.config());
        WorkflowEngine.Builder b = WorkflowEngine.builder().config(config);
        a.plugins().forEach(b::pluginDirectory);
        if (printLogs) {
            b.logListener(this::printLine);
        }
        return b.build();
    }

    private synchronized void printLine(String taskId, LogSink.Stream stream, String line) {
        String tag = switch (stream) {
            case STDOUT -> "";
            case STDERR -> " stderr";
            case SYSTEM -> " #";
        };
        err.println("[" + taskId + tag + "] " + line);
    }

    private int run(Arguments a) {
        Workflow wf;
        WorkflowEngine engine;
        try {
            wf = WorkflowFiles.load(a.file());
            engine = engine(a, true);
        } catch (TaskAppException e) {
            return invalid(e);
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            err.println("workflow: interrupted; cancelling running tasks");
            engine.cancelAll();
            awaitQuietly(finished);
        }, "workflow-cancel-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        try (engine) {
            WorkflowRun run = engine.run(wf);
            out.println(Json.writePretty(run.toJson()));
            return run.succeeded() ? OK : TASK_FAILED;
        } catch (TaskAppException e) {
            return invalid(e);
        } finally {
            finished.countDown();
            removeHook(hook);
        }
    }

    private int validate(Arguments a) {
        try (WorkflowEngine engine = engine(a, false)) {
            Workflow wf = WorkflowFiles.load(a.file());
            Plan plan = engine.validate(wf);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("workflow", wf.name());
            doc.put("version", wf.version());
            doc.put("valid", true);
            List<Map<String, Object>> tasks = new ArrayList<>();
            for (Plan.PlannedTask t : plan.tasks()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("task_id", t.spec().taskId());
                m.put("function", t.spec().function());
                m.put("result_key", t.spec().resultKey());
                m.put("depends_on", t.dependencies().stream().sorted().toList());
                tasks.add(m);
            }
            doc.put("tasks", tasks);
            out.println(Json.writePretty(doc));
            return OK;
        } catch (TaskAppException e) {
            return invalid(e);
        }
    }

    private int apps(Arguments a) {
        try (WorkflowEngine engine = engine(a, false)) {
            List<Map<String, Object>> apps = new ArrayList<>();
            for (InstalledApp installed : engine.catalog().apps()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", installed.app().id());
                m.put("publisher", installed.app().publisher());
                m.put("name", installed.app().name());
                m.put("version", installed.app().version());
                m.put("source", installed.source());
                List<Map<String, Object>> actions = new ArrayList<>();
                for (ActionDefinition action : installed.actions().actions()) {
                    Map<String, Object> am = new LinkedHashMap<>();
                    am.put("name", action.name());
                    am.put("function", "apps." + installed.app().id() + "." + action.name());
                    am.put("description", action.description());
                    List<Map<String, Object>> params = new ArrayList<>();
                    for (ParameterSpec p : action.parameters()) {
                        Map<String, Object> pm = new LinkedHashMap<>();
                        pm.put("name", p.name());
                        pm.put("type", p.type().jsonName());
                        pm.put("required", p.required());
                        pm.put("default", p.defaultValue());
                        pm.put("doc", p.doc());
                        params.add(pm);
                    }
                    am.put("parameters", params);
                    actions.add(am);
                }
                m.put("actions", actions);
                apps.add(m);
            }
            out.println(Json.writePretty(Map.of("apps", apps)));
            return OK;
        } catch (TaskAppException e) {
            return invalid(e);
        }
    }

    private int invalid(TaskAppException e) {
        err.println("workflow: invalid: " + e.getMessage());
        return invalid(e.getMessage());
    }

    /** Prints the exit-2 document, {@code {"status": "invalid", "error": ...}}, and returns 2. */
    private int invalid(String message) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", "invalid");
        doc.put("error", message);
        out.println(Json.writePretty(doc));
        return INVALID;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and waits for us
        }
    }
}
