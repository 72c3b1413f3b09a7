package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.config.SecretDefinition;
import dev.containerrunner.plugin.config.SecretUnavailableException;
import dev.containerrunner.plugin.config.SecretsConfig;
import dev.containerrunner.plugin.model.SecretRefs;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.LogSink;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The secret values of one run (or one collect_output of a run that had secrets), read from their
 * configured sources when it begins — never cached across runs, so a rotated value is used from
 * the next run on — together with the {@link Redactor} for everything it returns or logs.
 * {@link #close()} overwrites the values: they live in the runner's memory only while it runs.
 *
 * <p>The names (never the values) travel on the run's objects as the {@link Labels#SECRETS}
 * label, so that collect_output knows which values to redact in what it returns.
 *
 * @apiNote Thread-safe for reading; {@link #close()} is called once, by the owner, after the run.
 */
public final class RunSecrets implements AutoCloseable {

    private static final RunSecrets NONE = new RunSecrets(SecretRefs.none(), Map.of(), Redactor.none());

    private final SecretRefs refs;
    private final Map<String, byte[]> values;
    private final Redactor redactor;

    private RunSecrets(SecretRefs refs, Map<String, byte[]> values, Redactor redactor) {
        this.refs = refs;
        this.values = values;
        this.redactor = redactor;
    }

    /** No secrets: nothing delivered, nothing redacted. */
    public static RunSecrets none() {
        return NONE;
    }

    /**
     * Reads the values of the secrets {@code refs} names, now.
     *
     * @throws SecretUnavailableException naming the first secret that is not configured (any more)
     *         or cannot be read, or whose value cannot be an environment variable (a NUL byte) where
     *         {@code secret_env} asks for one; nothing read stays in memory
     */
    public static RunSecrets read(SecretsConfig config, SecretRefs refs) {
        if (refs.isEmpty()) {
            return NONE;
        }
        Map<String, byte[]> values = new TreeMap<>();
        try {
            for (String name : refs.names()) {
                SecretDefinition secret = config.get(name).orElseThrow(() -> new SecretUnavailableException(name,
                        "is not configured (configured: " + config.names() + ")"));
                values.put(name, secret.source().read(name));
            }
            refs.environment().forEach((variable, name) -> {
                byte[] value = values.get(name);
                for (byte b : value) {
                    if (b == 0) {
                        throw new SecretUnavailableException(name, "its value (" + config.get(name).orElseThrow().source()
                                .describe() + ") holds a NUL byte, which the environment variable secret_env." + variable
                                + " cannot carry (use it as a file)");
                    }
                }
            });
        } catch (RuntimeException e) {
            values.values().forEach(v -> Arrays.fill(v, (byte) 0));
            throw e;
        }
        return new RunSecrets(refs, values, Redactor.of(values));
    }

    /** What the run asked for. */
    public SecretRefs refs() {
        return refs;
    }

    /** Whether the run has no secret. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The values to deliver as files {@code /run/secrets/NAME}, by name, in the request's order (not copies). */
    public Map<String, byte[]> files() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        refs.files().forEach(name -> out.put(name, values.get(name)));
        return out;
    }

    /** The values to deliver as environment variables, by variable name, sorted (not copies). */
    public Map<String, byte[]> environment() {
        Map<String, byte[]> out = new TreeMap<>();
        refs.environment().forEach((variable, name) -> out.put(variable, values.get(name)));
        return out;
    }

    /** Every value by secret name, sorted (not copies). */
    public Map<String, byte[]> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** Replaces the values in what the run returns and logs. */
    public Redactor redactor() {
        return redactor;
    }

    /** The value of the {@link Labels#SECRETS} label: the names, comma-separated; never a value. */
    public String labelValue() {
        return String.join(",", refs.names());
    }

    /** The secret names a run's {@link Labels#SECRETS} label lists; empty when it has none. */
    public static List<String> namesIn(Map<String, String> labels) {
        String names = labels.get(Labels.SECRETS);
        return names == null || names.isBlank() ? List.of() : List.of(names.split(","));
    }

    /** {@code ctx} whose log lines pass through the redactor (the same context when there is nothing to redact). */
    public ActionContext redacting(ActionContext ctx) {
        if (redactor.isEmpty()) {
            return ctx;
        }
        LogSink log = ctx.log();
        return ActionContext.of(ctx.workflowName(), ctx.runId(), ctx.taskId(),
                (stream, line) -> log.line(stream, redactor.redact(line)), ctx.cancellation(), ctx.configuration(), ctx.attempt());
    }

    /**
     * {@code failure} itself when no value occurs in its messages (its causes' included); else a
     * {@link ContainerEngineException} with the redacted message and no cause, so that no value
     * travels on in an exception.
     */
    public RuntimeException scrub(RuntimeException failure) {
        if (redactor.isEmpty()) {
            return failure;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.equals(redactor.redact(message))) {
                return new ContainerEngineException("run", redactor.redact(failure.getMessage())
                        + " (details withheld: they held the value of a secret)", null,
                        FailureReason.of(failure).orElse(FailureReason.ENGINE_ERROR)); // the class survives the scrub
            }
        }
        return failure;
    }

    /** Overwrites the values and the redactor's copies. Idempotent. */
    @Override
    public void close() {
        if (this == NONE) {
            return;
        }
        values.values().forEach(v -> Arrays.fill(v, (byte) 0));
        redactor.clear();
    }
}
