package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.HumanText;
import dev.containerrunner.engine.Json;
import dev.containerrunner.engine.Plan;
import dev.containerrunner.engine.Workflow;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowFiles;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.engine.cli.Arguments.OutputFormat;
import dev.containerrunner.engine.cli.Arguments.ProgressMode;
import dev.containerrunner.spi.TaskAppException;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bin/workflow run|apps|validate}. Public API: stdout carries exactly one JSON document
 * (unless a person asked for a table with {@code --format table}, or stdout is a terminal, or for
 * {@code --help}/{@code --version}); live task lines, progress and messages go to stderr. Exit
 * codes: 0 all tasks succeeded (or valid), 1 a task failed, 2 invalid workflow, configuration,
 * plugins or usage (nothing ran). Every line written for people passes through {@link HumanText}:
 * no text from a file, a plugin or a container reaches the terminal with control characters.
 */
public final class WorkflowCli {

    public static final int OK = 0;
    public static final int TASK_FAILED = 1;
    public static final int INVALID = 2;

    private final PrintStream out;
    private final PrintStream err;
    private final StatusLine statusLine;
    private final Map<String, String> env;
    private final Terminals terminals;
    /** Set by the cancel hook: the JVM is shutting down for a signal and ends with its status. */
    private volatile boolean shuttingDown;

    /** A CLI writing to {@code out} and {@code err}, neither of them a terminal (JSON, plain progress). */
    public WorkflowCli(PrintStream out, PrintStream err, Map<String, String> env) {
        this(out, new StatusLine(err), env, Terminals.NONE);
    }

    /** A CLI whose stderr goes through {@code stderr}; {@code terminals} tells which streams are terminals. */
    WorkflowCli(PrintStream out, StatusLine stderr, Map<String, String> env, Terminals terminals) {
        this.out = out;
        this.statusLine = stderr;
        this.err = new PrintStream(new SafeStderr(stderr), true, StandardCharsets.UTF_8);
        this.env = env;
        this.terminals = terminals;
    }

    /**
     * The CLI's entry point. stdout and stderr are UTF-8 whatever the locale (with LANG/LC_ALL unset,
     * Java 17 would otherwise write every non-ASCII character as '?'); they replace System.out/err so
     * that log lines of the engine and plugins are UTF-8 too.
     */
    public static void main(String[] args) {
        // autoflush, like System.out: the JSON document is on its way before a shutdown hook can halt the JVM
        PrintStream out = new PrintStream(buffered(FileDescriptor.out), true, StandardCharsets.UTF_8);
        WorkflowCli cli = new WorkflowCli(out, new StatusLine(buffered(FileDescriptor.err)), System.getenv(),
                Terminals.detect(System.getenv()));
        System.setOut(out);
        System.setErr(cli.err); // engine and plugin log lines, too, pass below the status line
        int code = cli.execute(args);
        out.flush();
        cli.err.flush();
        if (cli.shuttingDown) {
            awaitHalt();
        }
        System.exit(code);
    }

    /**
     * A signal started the JVM's shutdown and the cancel hook lets it go on once the run ended: the JVM
     * then ends with the signal's status (130 for SIGINT, 143 for SIGTERM). {@code System.exit(code)}
     * here could end it first with the run's own code, because a nonzero exit after the hooks ran halts
     * at once ({@code java.lang.Shutdown.exit}): that is how an interrupted run once exited 1, not 130
     * (CI run 43). So this thread only waits for the halt.
     */
    private static void awaitHalt() {
        while (true) {
            LockSupport.park();
        }
    }

    private static BufferedOutputStream buffered(FileDescriptor fd) {
        return new BufferedOutputStream(new FileOutputStream(fd), 8192);
    }

    /** The stream {@link #main} installs as {@code System.err}: raw control characters are escaped ({@link SafeStderr}). */
    PrintStream stderr() {
        return err;
    }

    /** Runs one command and returns its exit code. */
    public int execute(String[] args) {
        Arguments a;
        try {
            a = Arguments.parse(args, env);
        } catch (Arguments.UsageException e) {
            err.println("workflow: " + HumanText.line(e.getMessage()));
            err.println(Help.USAGE);
            return invalid(e.getMessage());
        }
        return switch (a.command()) {
            case Arguments.HELP -> {
                out.print(Help.text(a.helpTopic()));
                yield OK;
            }
            case Arguments.VERSION -> version(a);
            case "run" -> run(a);
            case "validate" -> validate(a);
            case "apps" -> apps(a);
            default -> throw new IllegalStateException(a.command());
        };
    }

    private WorkflowEngine engine(Arguments a, ProgressDisplay display) {
        return engine(a, display, io.opentelemetry.api.OpenTelemetry.noop());
    }

    private WorkflowEngine engine(Arguments a, ProgressDisplay display, io.opentelemetry.api.OpenTelemetry otel) {
        EngineConfig config = a.config() == null ? EngineConfig.empty() : EngineConfig.load(a.config());
        WorkflowEngine.Builder b = WorkflowEngine.builder().config(config).openTelemetry(otel);
        a.plugins().forEach(b::pluginDirectory);
        if (display != null) {
            b.logListener(display).progressListener(display);
        }
        return b.build();
    }

    private int run(Arguments a) {
        Workflow wf;
        ProgressDisplay display;
        try {
            wf = WorkflowFiles.load(a.file());
            ProgressMode mode = a.progress() != ProgressMode.AUTO ? a.progress()
                    : terminals.stderr() ? ProgressMode.TTY : ProgressMode.PLAIN;
            display = new ProgressDisplay(err, statusLine, mode, wf.tasks().size(), terminals.stderrColumns());
        } catch (TaskAppException e) {
            return invalid(e);
        }
        EngineTelemetry telemetry;
        try {
            telemetry = EngineTelemetry.install(env, System.getProperties()); // before the plugins are loaded
        } catch (ConfigurationException e) {
            return invalid("OpenTelemetry configuration (OTEL_* variables, otel.* properties): " + EngineTelemetry.reason(e));
        }
        try (telemetry) { // closed by the run itself (before its cancel hook lets the JVM end); here when it never started
            return run(a, wf, display, telemetry);
        }
    }

    private int run(Arguments a, Workflow wf, ProgressDisplay display, EngineTelemetry telemetry) {
        Interrupt interrupt = new Interrupt();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            shuttingDown = true;
            err.println("workflow: interrupted; cancelling running tasks");
            interrupt.interrupt();
            awaitQuietly(finished);
        }, "workflow-cancel-on-exit");
        Runtime.getRuntime().addShutdownHook(hook); // before the plugins load: an interrupt from here on is kept
        try {
            WorkflowEngine engine;
            try {
                engine = engine(a, display, telemetry.openTelemetry());
            } catch (TaskAppException e) {
                return invalid(e);
            }
            interrupt.engine(engine); // interrupted while loading: cancelled now, so no task starts
            try (engine; display) {
                display.start();
                WorkflowRun run = engine.run(wf);
                display.close(); // the status line goes before anything else is printed
                out.println(Json.writePretty(run.toJson()));
                display.summary(run);
                return run.succeeded() ? OK : TASK_FAILED;
            } catch (TaskAppException e) {
                return invalid(e); // after the display's close: the status line is gone
            }
        } finally {
            try {
                telemetry.close(); // spans ended and apps closed: everything is exported before the hook lets the JVM end
            } finally {
                finished.countDown();
                removeHook(hook);
            }
        }
    }

    private int validate(Arguments a) {
        try (WorkflowEngine engine = engine(a, null)) {
            Workflow wf = WorkflowFiles.load(a.file());
            Plan plan = engine.validate(wf);
            if (format(a) == OutputFormat.TABLE) {
                out.print(HumanTables.validation(wf, plan, tableWidth()));
                return OK;
            }
            out.println(Json.writePretty(JsonAnswers.validation(wf, plan)));
            return OK;
        } catch (TaskAppException e) {
            return invalid(e);
        }
    }

    private int apps(Arguments a) {
        try (WorkflowEngine engine = engine(a, null)) {
            if (format(a) == OutputFormat.TABLE) {
                out.print(HumanTables.apps(engine.catalog().apps(), tableWidth()));
                return OK;
            }
            out.println(Json.writePretty(JsonAnswers.apps(engine.catalog().apps())));
            return OK;
        } catch (TaskAppException e) {
            return invalid(e);
        }
    }

    /** {@code workflow --version}: the engine's version, then each installed app's id, version and source. */
    private int version(Arguments a) {
        try (WorkflowEngine engine = engine(a, null)) {
            out.print(Versions.text(engine.catalog().apps()));
            return OK;
        } catch (TaskAppException e) {
            return invalid(e);
        }
    }

    private OutputFormat format(Arguments a) {
        return a.format() != null ? a.format() : terminals.stdout() ? OutputFormat.TABLE : OutputFormat.JSON;
    }

    /** Tables fit the terminal they are shown on; written to a file or pipe they are not cut. */
    private int tableWidth() {
        return terminals.stdout() ? terminals.stdoutColumns().getAsInt() - 1 : 0;
    }

    private int invalid(TaskAppException e) {
        err.println("workflow: invalid: " + HumanText.line(e.getMessage())); // the JSON document has it exact
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
