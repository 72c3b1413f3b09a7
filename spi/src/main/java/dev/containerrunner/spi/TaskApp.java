package dev.containerrunner.spi;

import java.util.Map;

/**
 * A task app: a named bundle of actions that a workflow engine can call by function name.
 *
 * <p>A workflow refers to an action as {@code apps.<publisher>.<name>.<action>}, for example
 * {@code apps.platform.container_runner.run_with_input}. Engines discover apps with
 * {@link java.util.ServiceLoader}; an implementation registers itself with
 * {@code @AutoService(TaskApp.class)} (or a {@code META-INF/services} entry).
 *
 * <p>Like the JDK's service providers, construction must be trivial: no I/O, no threads, no
 * connections. The engine calls, in this order:
 * <ol>
 *   <li>{@link #configure(Map)} once, with the app's section of the engine configuration (possibly
 *       empty). Validate it here and throw {@link InvalidConfigurationException} for anything not
 *       understood; the engine then refuses to start.</li>
 *   <li>{@link #registerActions(ActionRegistry)} once, to learn the actions and their parameters.</li>
 *   <li>action handlers, any number of times, possibly concurrently; after each workflow run,
 *       {@link #runFinished(String)}.</li>
 *   <li>{@link #close()} once at shutdown; it must be idempotent.</li>
 * </ol>
 *
 * <pre>{@code
 * @AutoService(TaskApp.class)
 * public final class EchoApp implements TaskApp {
 *     public String publisher() { return "platform"; }
 *     public String name() { return "echo"; }
 *     public String version() { return "1.0.0"; }
 *     public void registerActions(ActionRegistry registry) {
 *         registry.register(ActionDefinition.builder("say")
 *             .description("Returns its text")
 *             .parameter(ParameterSpec.required("text", ParameterType.STRING, "what to say"))
 *             .handler((kwargs, ctx) -> Map.of("success", true, "text", kwargs.get("text")))
 *             .build());
 *     }
 * }
 * }</pre>
 */
public interface TaskApp extends AutoCloseable {

    /** The publisher segment of function names, e.g. {@code platform}. Lower-case identifier. */
    String publisher();

    /** The app segment of function names, e.g. {@code container_runner}. Lower-case identifier. */
    String name();

    /** The app's version, e.g. {@code 0.1.0}. */
    String version();

    /** Registers every action of this app, each under an explicit, unique name. */
    void registerActions(ActionRegistry registry);

    /**
     * Receives the app's configuration section (JSON-shaped; empty when none is configured).
     * Must validate eagerly and throw {@link InvalidConfigurationException} naming the key at fault.
     * Must not open connections: work starts when an action runs.
     */
    default void configure(Map<String, Object> configuration) {
        if (!configuration.isEmpty()) {
            String key = configuration.keySet().iterator().next();
            throw new InvalidConfigurationException(name(), key, "this app takes no configuration");
        }
    }

    /**
     * Called once when a workflow run has ended (every task finished or was skipped), whatever its
     * status. Apps release what they kept for later tasks of that run. Must not throw for a run it
     * never saw; the default does nothing.
     */
    default void runFinished(String runId) {
    }

    /** {@code publisher.name}, the prefix of this app's function names after {@code apps.}. */
    default String id() {
        return publisher() + "." + name();
    }

    /** Releases what the actions acquired. Idempotent; the default does nothing. */
    @Override
    default void close() {
    }
}
