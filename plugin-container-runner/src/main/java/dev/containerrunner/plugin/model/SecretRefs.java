package dev.containerrunner.plugin.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The secrets a run request asks for, by name (values never appear in kwargs): {@code secrets}
 * become files {@code /run/secrets/NAME}; {@code secret_env} maps environment variables to secret
 * names. A secret named only in {@code secret_env} is delivered only as that variable (no file):
 * a task gets a secret in the forms it asks for, no more.
 *
 * @param files       {@code secrets}: names, each once, in the request's order
 * @param environment {@code secret_env}: variable name to secret name, sorted by variable
 * @apiNote Immutable and thread-safe.
 */
public record SecretRefs(List<String> files, Map<String, String> environment) {

    /** What a secret's name may be. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");
    /** {@link #NAME} in words, for errors and docs. */
    public static final String NAME_RULE = "1 to 63 of a-z, 0-9 and '_'";
    /** Variables a secret may not set: they decide how the command is found and loaded. */
    static final java.util.Set<String> RESERVED_ENV = new java.util.TreeSet<>(java.util.Set.of("PATH", "HOME"));

    /** The most secrets (names in {@code secrets} and {@code secret_env} together) one run may use. */
    public static final int MAX_PER_RUN = 15;
    /** Where a run's secret files are. */
    public static final String DIRECTORY = "/run/secrets";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public SecretRefs {
        files = List.copyOf(files);
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
    }

    /** A request without secrets. */
    public static SecretRefs none() {
        return new SecretRefs(List.of(), Map.of());
    }

    /** Whether no secret is asked for. */
    public boolean isEmpty() {
        return files.isEmpty() && environment.isEmpty();
    }

    /** Every secret name used, as files or variables, each once, sorted. */
    public List<String> names() {
        TreeSet<String> all = new TreeSet<>(files);
        all.addAll(environment.values());
        return List.copyOf(all);
    }

    /**
     * Reads {@code secrets} and {@code secret_env}; {@code environment} is the request's plain
     * {@code environment}, whose names {@code secret_env} may not repeat.
     *
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the entry: a malformed or repeated name, a
     *         variable name that is not one or is also in {@code environment}, more than {@value #MAX_PER_RUN} secrets
     */
    static SecretRefs read(KwargsReader r, Map<String, String> environment) {
        List<String> raw = r.stringList("secrets").orElse(List.of());
        List<String> files = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = raw.get(i);
            if (!NAME.matcher(name).matches()) {
                throw r.error("secrets[" + i + "]", "('" + name + "') is not a secret name: names are " + NAME_RULE);
            }
            if (files.contains(name)) {
                throw r.error("secrets[" + i + "]", "('" + name + "') is listed twice (also secrets[" + files.indexOf(name) + "])");
            }
            files.add(name);
        }
        Map<String, String> env = new TreeMap<>(r.stringMap("secret_env").orElse(Map.of()));
        for (Map.Entry<String, String> e : env.entrySet()) {
            String parameter = "secret_env." + e.getKey();
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw r.error(parameter, "is not a valid variable name (letters, digits, '_'; not starting with a digit)");
            }
            if (RESERVED_ENV.contains(e.getKey()) || e.getKey().startsWith("LD_") || e.getKey().startsWith("CONTAINER_RUNNER_")) {
                throw r.error(parameter, "may not be set from a secret: PATH, HOME and LD_* decide how the command is found"
                        + " and loaded, CONTAINER_RUNNER_* are the runner's (reserved: PATH, HOME, LD_*, CONTAINER_RUNNER_*)");
            }
            if (environment.containsKey(e.getKey())) {
                throw r.error(parameter, "is also in environment: a variable comes from one of them, not both");
            }
            if (!NAME.matcher(e.getValue()).matches()) {
                throw r.error(parameter, "('" + e.getValue() + "') is not a secret name: names are " + NAME_RULE);
            }
        }
        SecretRefs refs = new SecretRefs(files, env);
        if (refs.names().size() > MAX_PER_RUN) {
            throw r.error("secrets", "a run may use at most " + MAX_PER_RUN + " secrets (secrets and secret_env together),"
                    + " got " + refs.names().size());
        }
        return refs;
    }
}
