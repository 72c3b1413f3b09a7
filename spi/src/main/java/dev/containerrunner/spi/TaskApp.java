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
 *   <li>action handlers, any number of times, possibly concurrently (or, for a task that failed
 *       before its handler could be called, {@link #taskNotStarted}); after each workflow run,
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

    /**
     * Called when a task of this app failed before its action was invoked: the engine could not
     * make the action's kwargs (a {@code {{ reference }}} that does not resolve, or resolves to a
     * value of the wrong JSON type for its parameter). The action's handler never ran, so this is
     * the app's only chance to see the attempt, e.g. to write it to an audit trail. Kwargs values
     * are not passed on purpose: they may hold secrets and are, by definition, not what was asked.
     * The default does nothing; engines that never call it keep working.
     *
     * <p>It is not called for tasks skipped because a dependency did not succeed or the run was
     * cancelled before they started: those were never attempted.
     *
     * @param context the context the action would have received (workflow, run and task ids,
     *                log sink, configuration); its cancellation signal is the task's
     * @param action  the action's name inside this app, e.g. {@code run_container}
     * @param reason  why the engine did not invoke the action, as the task's error says it
     * @throws RuntimeException when the app cannot record the attempt; the engine still fails the
     *         task with {@code reason} and adds this exception's message to the task's error
     * @apiNote Called on the thread that would have run the action, with the app's class loader as
     *          the context class loader; possibly concurrently for different tasks of one or more
     *          runs (implementations must be thread-safe), after {@link #configure(Map)} and before
     *          {@link #runFinished(String)} of that run. It should return quickly.
     */
    default void taskNotStarted(ActionContext context, String action, String reason) {
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
