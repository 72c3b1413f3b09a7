package dev.containerrunner.engine.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Which of the CLI's stdout and stderr are terminals, and how wide they are. Each stream is probed on
 * its own ({@code System.console()} only says whether stdin and stdout both are): on Linux from the
 * file descriptor's link in {@code /proc/self/fd} (a {@code /dev/pts/N} or {@code /dev/tty*} device),
 * elsewhere with POSIX {@code test -t FD} on the inherited descriptor. {@code TERM=dumb} counts as no
 * terminal: nothing that needs control sequences is written to it.
 *
 * @param stdout whether stdout is a terminal
 * @param stderr whether stderr is a terminal
 * @param stdoutColumns the width of stdout's terminal in columns (80 when unknown); called when needed
 * @param stderrColumns the width of stderr's terminal in columns (80 when unknown); called when needed
 */
record Terminals(boolean stdout, boolean stderr, IntSupplier stdoutColumns, IntSupplier stderrColumns) {

    static final int DEFAULT_COLUMNS = 80;

    /** Neither stream is a terminal (in-process callers, tests). */
    static final Terminals NONE = new Terminals(false, false, () -> DEFAULT_COLUMNS, () -> DEFAULT_COLUMNS);
    private static final Path FDS = Path.of("/proc/self/fd");

    /** Probes this process's stdout (1) and stderr (2); a few milliseconds at most on Linux. */
    static Terminals detect(Map<String, String> env) {
        if ("dumb".equals(env.get("TERM"))) {
            return NONE;
        }
        boolean out = isTerminal(1);
        boolean err = isTerminal(2);
        return new Terminals(out, err, out ? new Width(device(1), env) : NONE.stdoutColumns(),
                err ? new Width(device(2), env) : NONE.stderrColumns());
    }

    static boolean isTerminal(int fd) {
        if (Files.isDirectory(FDS)) {
            Path device = device(fd);
            String name = device.toString();
            return name.startsWith("/dev/pts/") || name.startsWith("/dev/tty") || name.equals("/dev/console");
        }
        try {
            Process test = new ProcessBuilder("test", "-t", Integer.toString(fd)).inheritIO().start();
            return test.waitFor(5, TimeUnit.SECONDS) && test.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The device behind {@code fd}: its {@code /proc/self/fd} link, else the controlling terminal. */
    private static Path device(int fd) {
        if (Files.isDirectory(FDS)) {
            try {
                return Files.readSymbolicLink(FDS.resolve(Integer.toString(fd)));
            } catch (IOException | UnsupportedOperationException e) {
                return Path.of("/dev/null"); // a closed descriptor is no terminal
            }
        }
        return Path.of("/dev/tty");
    }

    /**
     * A terminal's width from {@code stty size} on its device, measured again at most every
     * {@link #REFRESH_NANOS} so that a resized window is followed; {@code COLUMNS} or 80 when it
     * cannot be read (a pseudo-terminal nobody sized says 0). Thread-safe.
     */
    static final class Width implements IntSupplier {

        static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

        private final Path device;
        private final int fallback;
        private long measuredAt;
        private int columns;

        Width(Path device, Map<String, String> env) {
            this.device = device;
            int columnsVariable = positive(env.get("COLUMNS"));
            this.fallback = columnsVariable > 0 ? columnsVariable : DEFAULT_COLUMNS;
        }

        @Override
        public synchronized int getAsInt() {
            long now = System.nanoTime();
            if (columns == 0 || now - measuredAt > REFRESH_NANOS) {
                columns = measure();
                measuredAt = now;
            }
            return columns;
        }

        private int measure() {
            try {
                Process stty = new ProcessBuilder("stty", "size").redirectInput(new File(device.toString()))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String answer = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (stty.waitFor(5, TimeUnit.SECONDS) && stty.exitValue() == 0) {
                    String[] rowsColumns = answer.split("\\s+");
                    int measured = rowsColumns.length == 2 ? positive(rowsColumns[1]) : 0;
                    return measured > 0 ? measured : fallback;
                }
            } catch (IOException e) {
                return fallback;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fallback;
        }

        /** The whole number in {@code text} when it is positive, else 0. */
        private static int positive(String text) {
            try {
                return text == null ? 0 : Math.max(0, Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
