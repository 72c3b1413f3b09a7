package dev.containerrunner.plugin.model;

import dev.containerrunner.spi.ParameterType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One resource limit of the container's processes (the {@code ulimits} kwarg), e.g.
 * {@code {nofile: 4096}} (soft = hard) or {@code {nofile: {soft: 1024, hard: 4096}}}.
 *
 * <p>Only {@value #NOFILE} is accepted: {@code nproc} counts every process of the uid on the whole
 * host (the processes of one task are bounded by {@code pids_limit} instead), the memory limits
 * ({@code as}, {@code data}, {@code memlock}, {@code rss}, {@code stack}) by {@code memory_limit},
 * and {@code core}/{@code fsize} write to places the runner does not bound. Values are read by
 * value ({@link WholeNumbers}) from {@value #LEAST} (the runtime itself needs a few descriptors to
 * start the container: runc 1.1 fails with 10 here, works with 16) to {@value #MOST} (the kernel's default
 * {@code fs.nr_open}); soft must not be above hard.
 *
 * @param name the limit's name, e.g. {@code nofile}
 * @param soft the soft limit (what the process gets)
 * @param hard the hard limit (what the process may raise the soft limit to)
 */
public record Ulimit(String name, long soft, long hard) {

    /** Open file descriptors (RLIMIT_NOFILE). */
    public static final String NOFILE = "nofile";
    /** The names accepted, in the order they are documented. */
    public static final List<String> NAMES = List.of(NOFILE);
    /** The smallest value of a {@code nofile} limit. */
    public static final long LEAST = 64;
    /** The largest value of a {@code nofile} limit. */
    public static final long MOST = 1 << 20;
    private static final List<String> SOFT_HARD = List.of("soft", "hard");

    public Ulimit {
        if (!NAMES.contains(name) || soft < LEAST || hard > MOST || soft > hard) {
            throw new IllegalArgumentException("not a valid ulimit: " + name + " " + soft + ":" + hard);
        }
    }

    /**
     * Reads the {@code ulimits} kwarg: a map from name to a whole number or {@code {soft, hard}}.
     *
     * @throws dev.containerrunner.spi.InvalidKwargsException naming {@code ulimits.<name>} (or
     *         {@code .soft}/{@code .hard}) and what is allowed
     */
    static List<Ulimit> read(KwargsReader r, String parameter) {
        if (r.raw(parameter).isEmpty()) {
            return List.of();
        }
        if (!(r.raw(parameter).get() instanceof Map<?, ?> given)) {
            throw r.error(parameter, "must be a map such as {nofile: 4096} or {nofile: {soft: 1024, hard: 4096}}, got "
                    + ParameterType.describe(r.raw(parameter).get()));
        }
        for (Object key : given.keySet()) {
            if (!NAMES.contains(String.valueOf(key))) {
                throw r.error(parameter + "." + key, "is not accepted; allowed: " + NAMES
                        + " (processes are bounded by pids_limit, memory by memory_limit)");
            }
        }
        KwargsReader limits = r.object(parameter, NAMES).orElseThrow();
        List<Ulimit> out = new ArrayList<>();
        for (String n : NAMES) {
            String name = parameter + "." + n;
            limits.raw(name).ifPresent(value -> out.add(value instanceof Map<?, ?> ? softAndHard(limits, name, n)
                    : new Ulimit(n, limits.integer(name, LEAST, MOST).orElseThrow(), limits.integer(name, LEAST, MOST).orElseThrow())));
        }
        return List.copyOf(out);
    }

    private static Ulimit softAndHard(KwargsReader limits, String name, String n) {
        KwargsReader pair = limits.object(name, SOFT_HARD).orElseThrow();
        long soft = pair.integer(name + ".soft", LEAST, MOST).orElseThrow(() -> pair.error(name + ".soft", "is required (with hard)"));
        long hard = pair.integer(name + ".hard", LEAST, MOST).orElseThrow(() -> pair.error(name + ".hard", "is required (with soft)"));
        if (soft > hard) {
            throw pair.error(name, "soft (" + soft + ") must not be above hard (" + hard + ")");
        }
        return new Ulimit(n, soft, hard);
    }

    /** {@code nofile=1024:4096}, as in {@code docker run --ulimit}. */
    @Override
    public String toString() {
        return name + "=" + soft + ":" + hard;
    }
}
