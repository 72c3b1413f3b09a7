package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;

/**
 * Where the actions' containers run: the seam between the backend-neutral action layer and one
 * backend (the {@code docker} and {@code kubernetes} packages; a third backend is a third package
 * implementing this interface). Requests arrive parsed and already checked against the policy (and
 * audited) by the action layer; a backend only executes them. Construction does no I/O: a backend
 * connects on first use.
 *
 * @apiNote Implementations are thread-safe: the engine calls {@link #run} and {@link #collect} from
 *          many task threads at once, and {@link #runFinished} / {@link #close} from others.
 */
public interface ContainerBackend extends AutoCloseable {

    /**
     * Checks what only this backend limits (sizes, features), before anything is created. Called
     * when the workflow is validated and again before each run. The default accepts everything.
     *
     * @throws dev.containerrunner.spi.InvalidKwargsException naming the parameter this backend cannot serve
     */
    default void check(RunRequest request) {
    }

    /**
     * Runs one request to its end (exit, timeout or cancellation) and says how it went. Everything
     * the run created is removed before this returns, unless it is kept for collect_output.
     *
     * <p>{@code secrets} holds the values of the secrets the request names (read by the caller, which
     * closes it afterwards): the backend delivers them as files {@code /run/secrets/NAME} (mode 0400,
     * the container user's, on a tmpfs) and as the variables of {@code secret_env}, never puts a value
     * in an object's spec, labels or environment where the engine shows it, passes stdout, stderr and
     * output_file through {@link RunSecrets#redactor()}, and labels the run with the names
     * ({@link Labels#SECRETS}).
     *
     * @throws ImageNotAvailableException when the image is missing and cannot be pulled
     * @throws ContainerEngineException   when the engine or cluster fails or cannot be reached
     * @throws IllegalStateException      when the backend is closed
     */
    RunResult run(RunRequest request, RunSecrets secrets, ActionContext ctx);

    /**
     * collect_output: reads files from a run's kept container; {@link CollectResult#toMap()} is the
     * action's result.
     *
     * @throws dev.containerrunner.spi.ActionFailedException when the run cannot be collected from
     *         (unknown, foreign, another run's, still running; a missing path with {@code strict})
     * @throws ContainerEngineException when the engine or cluster fails
     */
    CollectResult collect(String action, CollectRequest request, ActionContext ctx);

    /** Releases what was kept for the tasks of a finished workflow run; best effort, never throws for a missing run. */
    void runFinished(String runId);

    /** Removes what this process still keeps and releases connections. Idempotent. */
    @Override
    void close();
}
