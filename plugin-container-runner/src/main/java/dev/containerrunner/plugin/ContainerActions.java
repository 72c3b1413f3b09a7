package dev.containerrunner.plugin;

import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.audit.AuditRecord;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.model.RequestDefaults;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.policy.ExecutionPolicy;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.ParameterSpec;
import dev.containerrunner.spi.ParameterType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The three actions: their parameters (public API) and handlers. */
final class ContainerActions {

    static final String RUN_CONTAINER = "run_container";
    static final String RUN_WITH_INPUT = RunRequest.WITH_INPUT;
    static final String COLLECT_OUTPUT = "collect_output";

    private final Supplier<RunnerConfig> config;
    private final Supplier<? extends ContainerBackend> backend;
    private final AuditLog audit;

    ContainerActions(Supplier<RunnerConfig> config, Supplier<? extends ContainerBackend> backend, AuditLog audit) {
        this.config = config;
        this.backend = backend;
        this.audit = audit;
    }

    void registerAll(ActionRegistry registry) {
        RunnerConfig c = config.get();
        registry.register(ActionDefinition.builder(RUN_CONTAINER)
                .description("Run an image to completion and return its exit code, stdout and stderr")
                .parameters(runParameters(c))
                .handler((kwargs, ctx) -> run(RUN_CONTAINER, kwargs, ctx))
                .validator(kwargs -> validate(RUN_CONTAINER, kwargs))
                .build());
        List<ParameterSpec> withInput = new ArrayList<>(runParameters(c));
        withInput.add(ParameterSpec.optional("input_data", ParameterType.STRING, null,
                "text sent on stdin; stdin is closed after it"));
        withInput.add(ParameterSpec.optional("input_file", ParameterType.MAP, null,
                "{path, content, encoding: utf-8|base64}: a file placed in the container before start"));
        withInput.add(ParameterSpec.optional("output_file", ParameterType.STRING, null,
                "absolute path read back after exit into output_file_content"));
        registry.register(ActionDefinition.builder(RUN_WITH_INPUT)
                .description("Run an image with stdin data and/or an input file; read an output file back")
                .parameters(withInput)
                .handler((kwargs, ctx) -> run(RUN_WITH_INPUT, kwargs, ctx))
                .validator(kwargs -> validate(RUN_WITH_INPUT, kwargs))
                .build());
        registry.register(ActionDefinition.builder(COLLECT_OUTPUT)
                .description("Fetch files from a container a run action created (inline or to S3)")
                .parameter(ParameterSpec.required("container_id", ParameterType.STRING,
                        "container_id of an earlier run of this workflow run, e.g. {{ run.container_id }}"))
                .parameter(ParameterSpec.required("file_paths", ParameterType.LIST,
                        "absolute paths of files or directories, each once (a directory yields its files; links are followed"
                                + " only inside it or the run's directories; special files are reported)"))
                .parameter(ParameterSpec.optional("upload_to_s3", ParameterType.BOOLEAN, false,
                        "upload to the configured S3 store instead of returning content inline"))
                .parameter(ParameterSpec.optional("s3_prefix", ParameterType.STRING, null,
                        "key prefix: keys are {s3_prefix}/{workflow}/{run_id}/{task_id}{path}"))
                .parameter(ParameterSpec.optional("strict", ParameterType.BOOLEAN, false,
                        "fail the action when a path is missing (default: an error entry for that file)"))
                .parameter(ParameterSpec.optional("release", ParameterType.BOOLEAN, false,
                        "remove the container and its volumes right after collecting"))
                .handler((kwargs, ctx) -> backend.get().collect(COLLECT_OUTPUT, CollectRequest.from(COLLECT_OUTPUT, kwargs), ctx)
                        .toMap())
                .validator(kwargs -> CollectRequest.from(COLLECT_OUTPUT, kwargs))
                .build());
    }

    private static List<ParameterSpec> runParameters(RunnerConfig c) {
        RequestDefaults d = c.requestDefaults();
        return List.of(
                ParameterSpec.required("image", ParameterType.STRING, "image reference; must match allowed_images"),
                ParameterSpec.optional("command", ParameterType.LIST, null, "replaces the image's entrypoint, e.g. [python3, /input/script.py]"),
                ParameterSpec.optional("args", ParameterType.LIST, null, "arguments after the command (or the image's CMD replacement)"),
                ParameterSpec.optional("environment", ParameterType.MAP, null, "environment variables, string to string"),
                ParameterSpec.optional("timeout_seconds", ParameterType.INTEGER, (int) d.timeout().toSeconds(),
                        "SIGTERM after this, SIGKILL after the grace period; at most max_timeout (" + c.maxTimeout().toSeconds() + ")"),
                ParameterSpec.optional("memory_limit", ParameterType.STRING, d.memory().toString(),
                        "hard memory limit, no swap (b/k/m/g); at most max_memory (" + c.maxMemory() + ")"),
                ParameterSpec.optional("cpu_limit", ParameterType.NUMBER, d.cpu(),
                        "CPUs as a hard cap, fractions allowed; at most max_cpu (" + c.maxCpu() + ")"),
                ParameterSpec.optional("network", ParameterType.STRING, d.network().wireName(),
                        "none | bridge | host; anything but none needs the configuration's consent"),
                ParameterSpec.optional("pull_policy", ParameterType.STRING, d.pullPolicy().wireName(), "if_not_present | always | never"),
                ParameterSpec.optional("writable_dirs", ParameterType.LIST, null,
                        "absolute directories the container user can write (per-run volumes, kept for collect_output)"));
    }

    /**
     * The engine's check before a workflow runs: shape and policy. A policy denial here is an
     * attempt too and is audited (phase {@code validate}); the workflow then never starts.
     */
    private void validate(String action, Map<String, Object> kwargs) {
        RunnerConfig c = config.get();
        RunRequest request = RunRequest.from(action, kwargs, c.requestDefaults());
        backend.get().check(request);
        try {
            new ExecutionPolicy(c).check(request);
        } catch (PolicyDeniedException e) {
            audit.write(AuditRecord.attempt("validate", action, null, null, null).backend(c.backend().wireName())
                    .request(request, c.user(), c.pidsLimit())
                    .outcome(AuditRecord.Outcome.DENIED, e.getMessage()));
            throw e;
        }
    }

    private Map<String, Object> run(String action, Map<String, Object> kwargs, ActionContext ctx) {
        RunnerConfig c = config.get();
        AuditRecord record = AuditRecord.attempt("run", action, ctx.workflowName(), ctx.runId(), ctx.taskId())
                .backend(c.backend().wireName()).rawImage(kwargs.get("image"));
        RunRequest request;
        try {
            request = RunRequest.from(action, kwargs, c.requestDefaults());
            backend.get().check(request);
        } catch (InvalidKwargsException e) {
            audit.write(record.outcome(AuditRecord.Outcome.INVALID, e.getMessage()));
            throw e;
        }
        record.request(request, c.user(), c.pidsLimit());
        try {
            new ExecutionPolicy(c).check(request);
        } catch (PolicyDeniedException e) {
            audit.write(record.outcome(AuditRecord.Outcome.DENIED, e.getMessage()));
            throw e;
        }
        RunResult result;
        try {
            result = backend.get().run(request, ctx);
        } catch (RuntimeException e) {
            audit.write(record.outcome(AuditRecord.Outcome.ERROR, e.getMessage()));
            throw e;
        }
        audit.write(record.result(result));
        return result.toMap();
    }
}
