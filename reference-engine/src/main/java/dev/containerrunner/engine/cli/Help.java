package dev.containerrunner.engine.cli;

/** The texts of {@code workflow --help} and {@code workflow COMMAND --help}, and the usage lines. */
final class Help {

    static final String USAGE = """
            usage:
              workflow run FILE [--config CONFIG] [--plugins DIR]... [--progress auto|tty|plain|none]
              workflow validate FILE [--config CONFIG] [--plugins DIR]... [--format table|json]
              workflow apps [--config CONFIG] [--plugins DIR]... [--format table|json]
              workflow --version [--config CONFIG] [--plugins DIR]...
              workflow [COMMAND] -h|--help
            FILE and CONFIG are YAML or JSON. Plugin directories also come from WORKFLOW_PLUGINS
            (separated by ':'). Exit codes: 0 success, 1 a task failed, 2 invalid input.""";

    private static final String COMMON = """
              --config CONFIG   engine and app configuration, YAML or JSON:
                                {"apps": {"APP": {...}}, "engine": {"max_parallel_tasks": 4}}
              --plugins DIR     a directory of plugin jars, each in its own classloader; repeatable
                                (default: WORKFLOW_PLUGINS, directories separated by ':')
              -h, --help        this help
            """;

    private static final String TOOL = """
            workflow - run container_runner workflows with the reference engine

            usage: workflow COMMAND [OPTIONS]

            commands:
              run FILE        validate the workflow, then run its tasks in dependency order
              validate FILE   check the workflow against the installed apps; run nothing
              apps            list the installed apps, their actions and parameters

            options:
              --version       the engine's version and the installed apps' versions
              -h, --help      this help; 'workflow COMMAND --help' for a command's

            stdout carries the answer: for scripts one JSON document (run, validate, apps; a table for
            validate and apps when stdout is a terminal, see --format); messages and live task lines
            go to stderr. Exit codes: 0 success (or valid), 1 a task failed, 2 invalid workflow,
            configuration, plugins or usage: nothing ran, stdout holds {"status": "invalid", "error"}.

            examples:
              workflow run examples/run_python_analysis.yaml --config examples/container-runner.yaml
              workflow apps --format table
              workflow validate my-workflow.yaml --format json | jq .tasks
            """;

    private static final String RUN = """
            workflow run - validate a workflow, then run it

            usage: workflow run FILE [--config CONFIG] [--plugins DIR]... [--progress MODE]

            Tasks run in dependency order, independent ones in parallel (engine.max_parallel_tasks).
            stdout: one JSON document {"workflow", "version", "run_id", "status", "results", "tasks"}.
            stderr: each task's lines as [task_id] line ([task_id stderr] ..., [task_id #] for runner
            messages), progress, and a summary table (task, status, duration, exit code, reason).
            Exit codes: 0 every task succeeded, 1 a task failed, 2 invalid (nothing ran).
            Ctrl-C cancels the running tasks (their containers are stopped and removed).

            options:
              --progress MODE   auto (default): tty when stderr is a terminal, else plain
                                tty: a status line updated in place, then the summary table
                                plain: a line per task start and end, then the summary table
                                none: only the tasks' own lines
            """ + COMMON;

    private static final String VALIDATE = """
            workflow validate - check a workflow without running anything

            usage: workflow validate FILE [--config CONFIG] [--plugins DIR]... [--format table|json]

            Checks function names, kwargs (names, types, the apps' own rules such as the image
            allowlist), task ids, result keys, references, depends_on and cycles.
            stdout: {"workflow", "version", "valid": true, "tasks": [{"task_id", "function",
            "result_key", "depends_on"}]}, or a table. Exit codes: 0 valid, 2 invalid.

            options:
              --format FORMAT   table (default when stdout is a terminal) or json (default otherwise)
            """ + COMMON;

    private static final String APPS = """
            workflow apps - list the installed apps, their actions and parameters

            usage: workflow apps [--config CONFIG] [--plugins DIR]... [--format table|json]

            stdout: {"apps": [{"id", "publisher", "name", "version", "source", "actions": [{"name",
            "function", "description", "parameters": [{"name", "type", "required", "default",
            "doc"}]}]}]}, or a table of the same. Exit codes: 0, or 2 when plugins or CONFIG are invalid.

            options:
              --format FORMAT   table (default when stdout is a terminal) or json (default otherwise)
            """ + COMMON;

    private Help() {
    }

    /** The help of {@code command} ({@code run}, {@code validate}, {@code apps}), or of the tool for null. */
    static String text(String command) {
        if (command == null) {
            return TOOL;
        }
        return switch (command) {
            case "run" -> RUN;
            case "validate" -> VALIDATE;
            case "apps" -> APPS;
            default -> throw new IllegalArgumentException("no help for '" + command + "'");
        };
    }
}
