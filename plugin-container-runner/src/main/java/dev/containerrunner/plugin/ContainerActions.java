package dev.containerrunner.plugin;

import dev.containerrunner.plugin.audit.AuditLog;
import dev.containerrunner.plugin.config.PodProfiles;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.CollectRequest;
import dev.containerrunner.plugin.execution.ContainerBackend;
import dev.containerrunner.plugin.execution.NeutralLog;
import dev.containerrunner.plugin.model.RequestDefaults;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.Ulimit;
import dev.containerrunner.plugin.policy.ExecutionPolicy;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.plugin.telemetry.RunnerTelemetry;
import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.LogSink;
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
    private final RunAttempts attempts;
    private final ActionTracing tracing;

    ContainerActions(Supplier<RunnerConfig> config, Supplier<? extends ContainerBackend> backend, Supplier<AuditLog> audit) {
        this(config, backend, audit, RunnerTelemetry::noop);
    }

    /** With the app's telemetry: every invocation is traced and counted ({@link ActionTracing}). */
    ContainerActions(Supplier<RunnerConfig> config, Supplier<? extends ContainerBackend> backend, Supplier<AuditLog> audit,
                     Supplier<RunnerTelemetry> telemetry) {
        this.config = config;
        this.backend = backend;
        this.attempts = new RunAttempts(config, backend, audit);
        this.tracing = new ActionTracing(telemetry, () -> config.get().backend().wireName());
    }

    void registerAll(ActionRegistry registry) {
        RunnerConfig c = config.get();
        registry.register(ActionDefinition.builder(RUN_CONTAINER)
                .description("Run an image to completion and return its exit code, stdout and stderr")
                .parameters(runParameters(c))
                .handler((kwargs, ctx) -> tracing.traced(RUN_CONTAINER, trace -> run(RUN_CONTAINER, kwargs, ctx)))
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
                .handler((kwargs, ctx) -> tracing.traced(RUN_WITH_INPUT, trace -> run(RUN_WITH_INPUT, kwargs, ctx)))
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
                .handler((kwargs, ctx) -> tracing.traced(COLLECT_OUTPUT, trace -> ActionTracing.collected(trace, backend.get()
                        .collect(COLLECT_OUTPUT, CollectRequest.from(COLLECT_OUTPUT, kwargs), NeutralLog.context(ctx))).toMap()))
                .validator(kwargs -> new ExecutionPolicy(config.get()).check(COLLECT_OUTPUT, CollectRequest.from(COLLECT_OUTPUT,
                        kwargs)))
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
                        "absolute directories the container user can write (per-run volumes, kept for collect_output)"),
                ParameterSpec.optional("working_dir", ParameterType.STRING, null,
                        "absolute working directory of the command (default: the image's)"),
                ParameterSpec.optional("shm_size", ParameterType.STRING, null,
                        "size of /dev/shm (b/k/m/g), counted in memory_limit; at most max_shm_size (" + c.maxShmSize()
                                + "); default: the engine's (64m on Docker)"),
                ParameterSpec.optional("ulimits", ParameterType.MAP, null,
                        "{nofile: N} or {nofile: {soft, hard}}; hard at most max_ulimits.nofile ("
                                + c.maxUlimits().get(Ulimit.NOFILE) + "); Docker only"),
                ParameterSpec.optional("user", ParameterType.STRING, d.user().toString(),
                        "numeric 'uid' or 'uid:gid' to run as (never 0); another than the configured user must be in"
                                + " allowed_users"),
                ParameterSpec.optional("profile", ParameterType.STRING,
                        c.profiles().byName().containsKey(PodProfiles.DEFAULT) ? PodProfiles.DEFAULT : null,
                        "a pod profile of the configuration (node placement, priority, requests, storage); Kubernetes only;"
                                + " default: the profile named 'default', if configured"),
                ParameterSpec.optional("secrets", ParameterType.LIST, null,
                        "names of configured secrets, each a file /run/secrets/NAME (mode 0400, the user's, on a tmpfs);"
                                + " values printed are redacted"),
                ParameterSpec.optional("secret_env", ParameterType.MAP, null,
                        "environment variable to configured secret name, e.g. {PGPASSWORD: db_password}"),
                ParameterSpec.optional("inputs", ParameterType.LIST, null,
                        "[{s3_url, path, sha256}]: S3 objects (or a prefix s3://bucket/dir/ into a directory) streamed in"
                                + " before start, only under s3.input_prefixes; sha256 checked (64 lowercase hex)"));
    }

    private void validate(String action, Map<String, Object> kwargs) {
        attempts.validate(action, kwargs);
    }

    private Map<String, Object> run(String action, Map<String, Object> kwargs, ActionContext ctx) {
        return attempts.run(action, kwargs, NeutralLog.context(ctx)); // every log line neutralised, one place
    }
}
