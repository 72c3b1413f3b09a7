package dev.containerrunner.plugin.execution;

import dev.containerrunner.plugin.docker.DockerBackend;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.ActionContext;
import java.util.Map;

/**
 * Where the actions' containers run. Requests arrive parsed and already checked against the policy
 * (and audited) by the action layer; a backend only executes them. {@link DockerBackend} is the
 * Docker implementation; a cluster backend implements the same four methods.
 */
public interface ContainerBackend extends AutoCloseable {

    /** Runs one request to its end (exit, timeout or cancellation) and says how it went. */
    RunResult run(RunRequest request, ActionContext ctx);

    /** collect_output: the result map with {@code success, container_id, files, error}. */
    Map<String, Object> collect(String action, CollectRequest request, ActionContext ctx);

    /** Releases what was kept for the tasks of a finished workflow run. */
    void runFinished(String runId);

    /** Removes what this process still keeps and releases connections. Idempotent. */
    @Override
    void close();
}
