package dev.containerrunner.engine.testkit;

import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.LogSink;
import dev.containerrunner.spi.ParameterSpec;
import dev.containerrunner.spi.ParameterType;
import dev.containerrunner.spi.ResultFields;
import dev.containerrunner.spi.TaskApp;
import dev.containerrunner.spi.ActionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small app for engine tests: apps.platform.testkit.{echo,fail,boom,sleep,probe}. Its section of
 * the engine configuration shapes {@code fail}: {@code fail_fields} are added to its failed result
 * (e.g. {@code failure_reason}, {@code exit_code}) and from attempt {@code succeed_from_attempt} on
 * it succeeds, reporting its attempt.
 */
public final class TestkitApp implements TaskApp {

    /** Every attempt of {@code fail} and {@code boom}: one entry per call, in call order (tests filter by run id). */
    public static final List<Attempt> ATTEMPTS = new CopyOnWriteArrayList<>();

    /** One call of {@code fail} or {@code boom} and the attempt number its context said. */
    public record Attempt(String runId, String taskId, int attempt) {
    }

    /** What {@link #taskNotStarted} heard: one entry per call, in call order (tests filter by run id). */
    public static final List<NotStarted> NOT_STARTED = new CopyOnWriteArrayList<>();

    /** One {@link #taskNotStarted} call, with the context class loader it ran with. */
    public record NotStarted(String workflow, String runId, String taskId, String action, String reason, ClassLoader contextLoader) {
    }

    @Override
    public String publisher() {
        return "platform";
    }

    @Override
    public String name() {
        return "testkit";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public void configure(Map<String, Object> configuration) {
        // accepts anything (lets tests see the section through the context), except a request to fail untyped
        if (configuration.containsKey("fail_untyped")) {
            throw new IllegalStateException("configure exploded");
        }
    }

    /** Records the call; fails untyped when the app's section has {@code fail_not_started}, as a broken audit trail would. */
    @Override
    public void taskNotStarted(ActionContext context, String action, String reason) {
        NOT_STARTED.add(new NotStarted(context.workflowName(), context.runId(), context.taskId(), action, reason,
                Thread.currentThread().getContextClassLoader()));
        if (context.configuration().containsKey("fail_not_started")) {
            throw new IllegalStateException("the testkit trail is full");
        }
    }

    @Override
    public void registerActions(ActionRegistry registry) {
        registry.register(ActionDefinition.builder("echo").description("returns its value")
                .parameter(ParameterSpec.required("value", ParameterType.ANY, "anything"))
                .parameter(ParameterSpec.optional("count", ParameterType.INTEGER, 1, "a number"))
                .handler((kwargs, ctx) -> {
                    ctx.log().line(LogSink.Stream.STDOUT, "echo " + kwargs.get("value"));
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("success", true);
                    r.put("value", kwargs.get("value"));
                    r.put("count", kwargs.get("count"));
                    r.put("nothing", null);
                    r.put("config", ctx.configuration());
                    return r;
                }).build());
        registry.register(ActionDefinition.builder("fail").description("reports failure")
                .handler((kwargs, ctx) -> {
                    ATTEMPTS.add(new Attempt(ctx.runId(), ctx.taskId(), ctx.attempt()));
                    Object from = ctx.configuration().get("succeed_from_attempt");
                    if (from instanceof Number n && ctx.attempt() >= n.intValue()) {
                        return Map.of("success", true, "attempt", ctx.attempt());
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("success", false);
                    r.put("error", "it failed on purpose");
                    if (ctx.configuration().get("fail_fields") instanceof Map<?, ?> fields) {
                        fields.forEach((k, v) -> r.put((String) k, v));
                    }
                    return r;
                }).build());
        registry.register(ActionDefinition.builder("boom").description("throws")
                .parameter(ParameterSpec.optional("failure_reason", ParameterType.STRING, null,
                        "when given, the exception carries it as a result field"))
                .handler((kwargs, ctx) -> {
                    ATTEMPTS.add(new Attempt(ctx.runId(), ctx.taskId(), ctx.attempt()));
                    if (kwargs.get("failure_reason") != null) {
                        throw new Refused((String) kwargs.get("failure_reason"));
                    }
                    throw new ActionFailedException("boom", "exploded");
                }).build());
        registry.register(ActionDefinition.builder("sleep").description("sleeps, honouring cancellation")
                .parameter(ParameterSpec.required("millis", ParameterType.INTEGER, "how long"))
                .validator(kwargs -> {
                    long millis = ((Number) kwargs.get("millis")).longValue();
                    if (millis < 0) {
                        throw new InvalidKwargsException("sleep", "millis", "must not be negative");
                    }
                    if (millis == 666_666) { // an app whose validation fails untyped, as a buggy one would
                        throw new IllegalStateException("validator exploded");
                    }
                })
                .handler((kwargs, ctx) -> {
                    long end = System.currentTimeMillis() + ((Number) kwargs.get("millis")).longValue();
                    while (System.currentTimeMillis() < end) {
                        if (ctx.cancellation().isCancelled()) {
                            return Map.of("success", false, "error", "cancelled");
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return Map.of("success", false);
                        }
                    }
                    return Map.of("success", true, "thread", Thread.currentThread().getName(), "end", System.nanoTime());
                }).build());
        registry.register(ActionDefinition.builder("probe").description("which classes can this app see?")
                .parameter(ParameterSpec.required("class_name", ParameterType.STRING, "a class name"))
                .handler((kwargs, ctx) -> {
                    boolean visible;
                    try {
                        Class.forName((String) kwargs.get("class_name"), false, TestkitApp.class.getClassLoader());
                        visible = true;
                    } catch (ClassNotFoundException e) {
                        visible = false;
                    }
                    return Map.of("success", true, "visible", visible,
                            "loader", String.valueOf(TestkitApp.class.getClassLoader().getName()),
                            "context_loader", String.valueOf(Thread.currentThread().getContextClassLoader().getName()));
                }).build());
    }

    /** An action failure with a machine-readable reason for the task's result. */
    public static final class Refused extends ActionFailedException implements ResultFields {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Refused(String reason) {
            super("boom", "refused: " + reason);
            this.reason = reason;
        }

        @Override
        public Map<String, Object> resultFields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("failure_reason", reason);
            m.put("success", true); // must not override the engine's success: false
            return m;
        }
    }
}
