package dev.containerrunner.plugin.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code inputs} against {@code s3.input_prefixes}: refused at validation unless under a configured prefix. */
class InputPolicyTest {

    private static RunnerConfig config(Object prefixes) {
        return RunnerConfig.from(Map.of("allowed_images", List.of("busybox"),
                "s3", Map.of("bucket", "artifacts", "input_prefixes", prefixes)));
    }

    private static final RunnerConfig CONFIG = config(List.of("s3://artifacts/shared/", "s3://datasets/public/v1/"));

    private static void check(RunnerConfig c, String url) {
        new ExecutionPolicy(c).check(RunRequest.from("run_container", Map.of("image", "busybox",
                "inputs", List.of(Map.of("s3_url", url, "path", url.endsWith("/") ? "/in/set" : "/in/a"))), c.requestDefaults()));
    }

    @Test
    void urlsUnderAConfiguredPrefixPass() {
        check(CONFIG, "s3://artifacts/shared/run1/out.bin");
        check(CONFIG, "s3://artifacts/shared/");
        check(CONFIG, "s3://datasets/public/v1/images/");
        assertEquals(List.of("s3://artifacts/shared/", "s3://datasets/public/v1/"),
                CONFIG.s3().orElseThrow().inputPrefixes().stream().map(Object::toString).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://artifacts/shared-other/x", "s3://artifacts/share", "s3://artifacts/other/shared/x",
        "s3://artifactsx/shared/x", "s3://datasets/public/v2/x", "s3://datasets/public/", "s3://artifacts/sharedx/"})
    void anythingElseIsDeniedNamingTheEntryAndThePrefixes(String url) {
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> check(CONFIG, url));
        assertEquals("inputs[0].s3_url", e.parameter());
        assertTrue(e.getMessage().contains("is not under any of s3.input_prefixes [s3://artifacts/shared/, s3://datasets/public/v1/]"),
                e.getMessage());
    }

    @Test
    void inputsNeedAnS3StoreWithInputPrefixes() {
        RunnerConfig none = RunnerConfig.from(Map.of("allowed_images", List.of("busybox")));
        PolicyDeniedException noStore = assertThrows(PolicyDeniedException.class, () -> check(none, "s3://artifacts/shared/a"));
        assertEquals("inputs", noStore.parameter());
        assertTrue(noStore.getMessage().contains("none is configured"), noStore.getMessage());
        PolicyDeniedException noPrefixes = assertThrows(PolicyDeniedException.class, () -> check(config(List.of()),
                "s3://artifacts/shared/a"));
        assertTrue(noPrefixes.getMessage().contains("none are configured"), noPrefixes.getMessage());
        new ExecutionPolicy(none).check(RunRequest.from("run_container", Map.of("image", "busybox"), none.requestDefaults()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://artifacts/shared", "artifacts/shared/", "s3://artifacts/", "s3://artifacts//x/",
        "s3://artifacts/a/../b/", "s3://artifacts/%2e%2e/", "s3://Artifacts/x/", "s3://artifacts/./x/"})
    void aConfiguredPrefixMustBeAPlainPrefixEndingInSlash(String prefix) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> config(List.of(prefix)));
        assertTrue(e.getMessage().contains("s3.input_prefixes[0]"), e.getMessage());
    }

    @Test
    void inputPrefixesMustBeAListOfStrings() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> config("s3://artifacts/x/"));
        assertTrue(e.getMessage().contains("s3.input_prefixes"), e.getMessage());
    }
}
