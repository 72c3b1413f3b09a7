package dev.containerrunner.engine.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parsed command line of {@code workflow run|validate|apps}. Every mistake is a
 * {@link UsageException} naming the argument; a flag given twice is refused, not "last one wins".
 */
record Arguments(String command, Path file, Path config, List<Path> plugins) {

    static final List<String> COMMANDS = List.of("run", "validate", "apps");

    /** A command line that cannot be used: unknown command or flag, missing or extra value. */
    static final class UsageException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Arguments parse(String[] args, Map<String, String> env) {
        if (args.length == 0) {
            throw new UsageException("no command given; commands: " + String.join(", ", COMMANDS));
        }
        String command = args[0];
        if (!COMMANDS.contains(command)) {
            throw new UsageException("unknown command '" + command + "'; commands: " + String.join(", ", COMMANDS));
        }
        Path file = null;
        Path config = null;
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
                default -> {
                    if (arg.startsWith("-")) {
                        throw new UsageException("unknown option '" + arg + "'; options: --config CONFIG, --plugins DIR");
                    }
                    if (command.equals("apps")) {
                        throw new UsageException("unexpected argument '" + arg + "': 'apps' takes no FILE");
                    }
                    if (file != null) {
                        throw new UsageException("unexpected argument '" + arg + "': '" + command + "' takes one FILE ("
                                + file + " already given)");
                    }
                    file = path(arg, "FILE");
                }
            }
        }
        if (file == null && !command.equals("apps")) {
            throw new UsageException("'" + command + "' needs a workflow FILE");
        }
        if (plugins.isEmpty() && env.get("WORKFLOW_PLUGINS") != null) {
            for (String p : env.get("WORKFLOW_PLUGINS").split(":")) {
                if (!p.isBlank()) {
                    plugins.add(path(p, "WORKFLOW_PLUGINS"));
                }
            }
        }
        return new Arguments(command, file, config, plugins);
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
