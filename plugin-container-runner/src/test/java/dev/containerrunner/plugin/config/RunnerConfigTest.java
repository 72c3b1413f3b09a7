package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunnerConfigTest {

    @Test
    void noConfigurationIsTheSafestPolicy() {
        RunnerConfig c = RunnerConfig.defaults();
        assertTrue(c.allowedImages().isEmpty());
        assertFalse(c.networkAllowed());
        assertFalse(c.hostNetworkAllowed());
        assertEquals("65534:65534", c.user());
        assertEquals(300, c.defaultTimeout().toSeconds());
        assertEquals(3600, c.maxTimeout().toSeconds());
        assertEquals("512m", c.defaultMemory().toString());
        assertEquals("4g", c.maxMemory().toString());
        assertTrue(c.cleanupAfterRun());
        assertFalse(c.engineLogs(), "the engine keeps no second copy of the output by default");
        assertEquals(16, c.maxConcurrentContainers());
        assertEquals(600, c.collectRetention().toSeconds());
    }

    @Test
    void seedAliasesAreAccepted() {
        RunnerConfig c = RunnerConfig.from(Map.of("max_timeout_seconds", 600, "enable_network", true,
                "allowed_images", List.of("jrottenberg/ffmpeg:*")));
        assertEquals(600, c.maxTimeout().toSeconds());
        assertTrue(c.networkAllowed());
        assertEquals(1, c.allowedImages().size());
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(Map.of("allowed_imagez", List.of()), "allowed_imagez"),
                Arguments.of(Map.of("allowed_images", "python"), "allowed_images"),
                Arguments.of(Map.of("allowed_images", List.of("Py thon")), "allowed_images"),
                Arguments.of(Map.of("default_timeout", 900, "max_timeout", 600), "default_timeout"),
                Arguments.of(Map.of("max_timeout", 0), "max_timeout"),
                Arguments.of(Map.of("max_timeout", "1h"), "max_timeout"),
                Arguments.of(Map.of("max_timeout", 60, "max_timeout_seconds", 60), "max_timeout_seconds"),
                Arguments.of(Map.of("default_memory", "1g", "max_memory", "512m"), "default_memory"),
                Arguments.of(Map.of("max_memory", "lots"), "max_memory"),
                Arguments.of(Map.of("default_memory", "1m"), "default_memory"),
                Arguments.of(Map.of("default_cpu", 2.0, "max_cpu", 1.0), "default_cpu"),
                Arguments.of(Map.of("max_cpu", -1), "max_cpu"),
                Arguments.of(Map.of("network_allowed", "yes"), "network_allowed"),
                Arguments.of(Map.of("host_network_allowed", true), "host_network_allowed"),
                Arguments.of(Map.of("user", "root"), "user"),
                Arguments.of(Map.of("user", "0:0"), "user"),
                Arguments.of(Map.of("user", "0"), "user"),
                Arguments.of(Map.of("pids_limit", 1), "pids_limit"),
                Arguments.of(Map.of("runtime", "runsc; rm -rf /"), "runtime"),
                Arguments.of(Map.of("cleanup_after_run", "no"), "cleanup_after_run"),
                Arguments.of(Map.of("backend", "podman"), "backend"),
                Arguments.of(Map.of("kubernetes", Map.of("namespace", "x")), "kubernetes"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("namespace", "Bad_NS")), "kubernetes.namespace"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("namespaces", "x")), "kubernetes.namespaces"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("start_timeout_seconds", 1)),
                        "kubernetes.start_timeout_seconds"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", "default"), "kubernetes"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("kubeconfig", "/nonexistent/kubeconfig")),
                        "kubernetes.kubeconfig"),
                Arguments.of(Map.of("backend", "kubernetes", "network_allowed", true, "host_network_allowed", true),
                        "host_network_allowed"),
                Arguments.of(Map.of("backend", "kubernetes", "docker_host", "unix:///x"), "docker_host"),
                Arguments.of(Map.of("backend", "kubernetes", "engine_logs", true), "engine_logs"));
    }

    @Test
    void kubernetesDefaults() {
        RunnerConfig c = RunnerConfig.from(Map.of("backend", "kubernetes"));
        assertEquals(Backend.KUBERNETES, c.backend());
        assertEquals("busybox:1.36", c.kubernetes().helperImage());
        assertEquals(120, c.kubernetes().startTimeout().toSeconds());
        assertTrue(c.kubernetes().networkPolicy());
        assertTrue(c.kubernetes().namespace().isEmpty(), "the kubeconfig context's namespace, else default");
        assertEquals(Backend.DOCKER, RunnerConfig.defaults().backend());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badConfigurations")
    void badConfigurationsAreRefusedNamingTheKey(Map<String, Object> section, String key) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(section));
        assertEquals(key, e.key(), e.getMessage());
    }
}
