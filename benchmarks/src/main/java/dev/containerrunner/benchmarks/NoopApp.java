package dev.containerrunner.benchmarks;

import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.ParameterSpec;
import dev.containerrunner.spi.ParameterType;
import dev.containerrunner.spi.TaskApp;
import java.util.Map;

/**
 * A Docker-free app for the validation benchmark: {@code apps.bench.noop.run} has the parameter
 * shapes of {@code run_container} and returns at once, so only the engine's own work is measured.
 */
public final class NoopApp implements TaskApp {

    static final String FUNCTION = "apps.bench.noop.run";

    @Override
    public String publisher() {
        return "bench";
    }

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public void registerActions(ActionRegistry registry) {
        registry.register(ActionDefinition.builder("run").description("returns its value at once")
                .parameter(ParameterSpec.required("image", ParameterType.STRING, "an image name"))
                .parameter(ParameterSpec.optional("command", ParameterType.LIST, null, "the command"))
                .parameter(ParameterSpec.optional("value", ParameterType.ANY, null, "returned as is"))
                .parameter(ParameterSpec.optional("timeout_seconds", ParameterType.INTEGER, 300, "seconds"))
                .handler((kwargs, ctx) -> Map.of("success", true, "value", String.valueOf(kwargs.get("value"))))
                .build());
    }
}
