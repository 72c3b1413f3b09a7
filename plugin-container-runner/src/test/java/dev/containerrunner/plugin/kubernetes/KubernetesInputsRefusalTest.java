package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Until the Kubernetes side streams them, {@code inputs} is refused there at validation, before any I/O. */
class KubernetesInputsRefusalTest {

    @Test
    void inputsAreRefusedOnKubernetesForNow() {
        RunnerConfig config = RunnerConfig.from(Map.of("backend", "kubernetes"));
        try (KubernetesBackend backend = new KubernetesBackend(config, c -> {
            throw new AssertionError("the check does no I/O");
        })) {
            RunRequest request = RunRequest.from("run_container", Map.of("image", "busybox", "inputs",
                    List.of(Map.of("s3_url", "s3://data/shared/a", "path", "/in/a"))), config.requestDefaults());
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> backend.check(request));
            assertEquals("inputs", e.parameter());
            assertEquals("run_container: parameter 'inputs' is not supported on the kubernetes backend yet", e.getMessage());
        }
    }
}
