package dev.containerrunner.engine.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parsed command line of {@code workflow run|validate|apps}, {@code workflow --version} and
 * {@code -h}/{@code --help}. Every mistake is a {@link UsageException} naming the argument; a flag
 * given twice is refused, not "last one wins".
 *
 * @param command  {@code run}, {@code validate}, {@code apps}, {@link #VERSION} or {@link #HELP}
 * @param helpTopic for {@link #HELP}: the command whose help was asked for, or null for the tool's
 * @param format   {@code --format} of {@code apps}/{@code validate}; null: table on a terminal, else JSON
 * @param progress {@code --progress} of {@code run}; {@link ProgressMode#AUTO} when not given
 */
record Arguments(String command, Path file, Path config, List<Path> plugins, String helpTopic, OutputFormat format,
                 ProgressMode progress) {

    static final List<String> COMMANDS = List.of("run", "validate", "apps");
    /** The pseudo-command of {@code workflow --version}. */
    static final String VERSION = "--version";
    /** The pseudo-command of {@code -h}/{@code --help} anywhere on the line. */
    static final String HELP = "--help";

    /** How {@code apps} and {@code validate} print their answer. */
    enum OutputFormat {
        TABLE, JSON;

        static OutputFormat parse(String value) {
            for (OutputFormat f : values()) {
                if (f.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return f;
                }
            }
            throw new UsageException("--format '" + value + "' is not one of: table, json");
        }
    }

    /** How {@code run} shows progress on stderr. */
    enum ProgressMode {
        /** {@link #TTY} when stderr is a terminal, else {@link #PLAIN}. */
        AUTO,
        /** A status line updated in place, then a summary table. */
        TTY,
        /** A plain line per task start and end, then a summary table; no control sequences. */
        PLAIN,
        /** Only the tasks' own lines, as before progress existed. */
        NONE;

        static ProgressMode parse(String value) {
            for (ProgressMode m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return m;
                }
            }
            throw new UsageException("--progress '" + value + "' is not one of: auto, tty, plain, none");
        }
    }

    /** A command line that cannot be used: unknown command or flag, missing or extra value. */
    static final class UsageException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Arguments parse(String[] args, Map<String, String> env) {
        if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
            String topic = args.length > 0 && COMMANDS.contains(args[0]) ? args[0] : null;
            return new Arguments(HELP, null, null, List.of(), topic, null, ProgressMode.AUTO);
        }
        if (args.length == 0) {
            throw new UsageException("no command given; commands: " + String.join(", ", COMMANDS));
        }
        String command = args[0];
        if (!COMMANDS.contains(command) && !command.equals(VERSION)) {
            throw new UsageException("unknown command '" + command + "'; commands: " + String.join(", ", COMMANDS));
        }
        Path file = null;
        Path config = null;
        OutputFormat format = null;
        ProgressMode progress = null;
        List<Path> plugins = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--config" -> {
                    if (config != null) {
                        throw new UsageException("--config is given twice; give one configuration file");
                    }
                    config = path(value(args, ++i, arg), arg);
                }
                case "--plugins" -> plugins.add(path(value(args, ++i, arg), arg));
                case "--format" -> {
                    if (!command.equals("apps") && !command.equals("validate")) {
                        throw unknownOption(command, arg);
                    }
                    if (format != null) {
                        throw new UsageException("--format is given twice; give one of: table, json");
                    }
                    format = OutputFormat.parse(value(args, ++i, arg));
                }
                case "--progress" -> {
                    if (!command.equals("run")) {
                        throw unknownOption(command, arg);
                    }
                    if (progress != null) {
                        throw new UsageException("--progress is given twice; give one of: auto, tty, plain, none");
                    }
                    progress = ProgressMode.parse(value(args, ++i, arg));
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw unknownOption(command, arg);
                    }
                    if (command.equals("apps") || command.equals(VERSION)) {
                        throw new UsageException("unexpected argument '" + arg + "': '" + command + "' takes no FILE");
                    }
                    if (file != null) {
                        throw new UsageException("unexpected argument '" + arg + "': '" + command + "' takes one FILE ("
                                + file + " already given)");
                    }
                    file = path(arg, "FILE");
                }
            }
        }
        if (file == null && (command.equals("run") || command.equals("validate"))) {
            throw new UsageException("'" + command + "' needs a workflow FILE");
        }
        if (plugins.isEmpty() && env.get("WORKFLOW_PLUGINS") != null) {
            for (String p : env.get("WORKFLOW_PLUGINS").split(":")) {
                if (!p.isBlank()) {
                    plugins.add(path(p, "WORKFLOW_PLUGINS"));
                }
            }
        }
        return new Arguments(command, file, config, plugins, null, format, progress == null ? ProgressMode.AUTO : progress);
    }

    private static UsageException unknownOption(String command, String arg) {
        String extra = switch (command) {
            case "run" -> ", --progress auto|tty|plain|none";
            case "validate", "apps" -> ", --format table|json";
            default -> "";
        };
        return new UsageException("unknown option '" + arg + "'; options: --config CONFIG, --plugins DIR" + extra + ", -h/--help");
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new UsageException(flag + " needs a value");
        }
        if (args[i].startsWith("--")) {
            throw new UsageException(flag + " needs a value, got the option '" + args[i] + "'");
        }
        return args[i];
    }

    private static Path path(String value, String what) {
        if (value.isEmpty()) {
            throw new UsageException(what + " is an empty path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(what + " '" + value + "' is not a valid path: " + e.getReason());
        }
    }
}
