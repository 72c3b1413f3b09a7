package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** Issue 14, items 2 and 12: the user is read by value; uid 0 and gid 0 are refused in every spelling. */
    @ParameterizedTest(name = "user ''{0}''")
    @ValueSource(strings = {"00", "000", "000:000", "00:65534", "+0", "-0", "0x0", "0x10", " 0", "0 ", " 65534", "65534 ",
        "65534:0", "65534:00", "65534:000", "1:0", "1:-1", "-1", "-1:-1", "+65534", "65534:+65534", "99999999999",
        "4294967295", "4294967296", "2147483648", "65534:2147483648", "18446744073709551616", "1e3", "", ":", "65534:",
        ":65534", "1:2:3", "0065534", "65534:065534", "nobody", "nobody:nogroup", "root:root", "65534:nogroup",
        "\u0661\u0662", "65534\n", "65534:65534\u0000"})
    void everyRootOrMalformedUserIsRefused(String user) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RunnerConfig.from(Map.of("user", user)));
        assertEquals("user", e.key(), e.getMessage());
    }

    @ParameterizedTest(name = "user ''{0}''")
    @CsvSource({"00, uid 0", "000:000, uid 0", "65534:0, gid 0", "65534:000, gid 0", "0065534, leading zeros",
        "4294967295, out of range", "65534:2147483648, out of range", "-1, numeric ids"})
    void aRefusedUserSaysWhy(String user, String why) {
        String message = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(Map.of("user", user)))
                .getMessage();
        assertTrue(message.contains(why), message);
    }

    @ParameterizedTest(name = "user {0}")
    @MethodSource("usersThatAreNotStrings")
    void aUserMustBeAQuotedString(Object user) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> RunnerConfig.from(Map.of("user", user)));
        assertEquals("user", e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("quoted"), e.getMessage());
    }

    static Stream<Object> usersThatAreNotStrings() {
        return Stream.of(65534, 0, 60050L, new BigInteger("18446744073709551616"), 65534.0, true, List.of(65534));
    }

    /** A uid alone gets the same gid (the engine would give gid 0 when the image has no such uid). */
    @ParameterizedTest(name = "user ''{0}'' -> {1}")
    @CsvSource({"65534:65534, 65534:65534", "1000, 1000:1000", "1, 1:1", "1000:50, 1000:50",
        "2147483647:2147483647, 2147483647:2147483647", "2147483647, 2147483647:2147483647"})
    void theUserIsCanonicalUidAndGid(String user, String canonical) {
        RunnerConfig c = RunnerConfig.from(Map.of("user", user));
        assertEquals(canonical, c.user());
        assertEquals(canonical, c.userIds().uid() + ":" + c.userIds().gid());
    }

    /** Every whole-number key, at top level or in the kubernetes section. */
    static Stream<String> integerKeys() {
        return Stream.of("max_timeout", "max_timeout_seconds", "default_timeout", "pids_limit", "max_output_bytes",
                "max_output_file_bytes", "stop_grace_seconds", "collect_retention_seconds", "janitor_interval_seconds",
                "max_inline_bytes", "max_concurrent_containers", "kubernetes.start_timeout_seconds");
    }

    /** Issue 14, item 3: refused, never wrapped, in any JSON/YAML number shape. */
    static Stream<Arguments> integerKeysWithBadValues() {
        List<Object> bad = List.of(new BigInteger("18446744073709551621"), new BigInteger("4294967301"), 4294967301L,
                Long.MAX_VALUE, Long.MIN_VALUE, -1, new BigDecimal("1E+30"), new BigDecimal("5.5"), 5.5, 300.0,
                Double.NaN, Double.POSITIVE_INFINITY, "300", "0300", true, List.of(300), Map.of("n", 300));
        return integerKeys().flatMap(key -> bad.stream().map(v -> Arguments.of(key, v)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("integerKeysWithBadValues")
    void wholeNumberKeysRefuseEveryOtherShapeAndEveryOverflow(String key, Object value) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(section(key, value)));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(" to "), "names the range: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integerKeys")
    void wholeNumberKeysAcceptEveryIntegralShape(String key) {
        long n = key.endsWith("_bytes") ? 4000 : 300;
        for (Object v : List.of((int) n, n, BigInteger.valueOf(n), BigDecimal.valueOf(n), new BigDecimal(BigInteger.valueOf(n / 100), -2),
                new BigDecimal(n + ".000"))) {
            RunnerConfig.from(section(key, v));
        }
    }

    @Test
    void wrappedValuesWouldHaveBeenSmall() {
        assertEquals(600, RunnerConfig.from(Map.of("max_timeout", new BigInteger("600"))).maxTimeout().toSeconds());
        assertEquals(17, RunnerConfig.from(Map.of("max_concurrent_containers", new BigDecimal("17"))).maxConcurrentContainers());
    }

    private static Map<String, Object> section(String key, Object value) {
        Map<String, Object> m = new HashMap<>();
        if (key.startsWith("kubernetes.")) {
            m.put("backend", "kubernetes");
            m.put("kubernetes", Map.of(key.substring("kubernetes.".length()), value));
        } else {
            m.put(key, value);
        }
        if (key.equals("default_timeout")) {
            m.put("max_timeout", 7 * 24 * 3600);
        }
        return m;
    }

    static Stream<Arguments> otherBadValues() {
        return Stream.of(
                Arguments.of(Map.of("max_cpu", Double.NaN), "max_cpu"),
                Arguments.of(Map.of("max_cpu", Double.POSITIVE_INFINITY), "max_cpu"),
                Arguments.of(Map.of("max_cpu", new BigDecimal("1e400")), "max_cpu"),
                Arguments.of(Map.of("max_cpu", new BigInteger("1" + "0".repeat(400))), "max_cpu"),
                Arguments.of(Map.of("default_cpu", -0.0), "default_cpu"),
                Arguments.of(Map.of("max_cpu", "2"), "max_cpu"),
                Arguments.of(Map.of("max_cpu", true), "max_cpu"),
                Arguments.of(Map.of("max_cpu", 1025), "max_cpu"),
                Arguments.of(Map.of("max_memory", "99999999999999999999g"), "max_memory"),
                Arguments.of(Map.of("max_memory", "8589934592g"), "max_memory"),
                Arguments.of(Map.of("max_memory", "04g"), "max_memory"),
                Arguments.of(Map.of("max_memory", " 4g"), "max_memory"),
                Arguments.of(Map.of("max_memory", 4096), "max_memory"),
                Arguments.of(Map.of("default_memory", "0512m"), "default_memory"),
                Arguments.of(Map.of("network_allowed", "true"), "network_allowed"),
                Arguments.of(Map.of("network_allowed", 1), "network_allowed"),
                Arguments.of(Map.of("read_only_root_filesystem", "yes"), "read_only_root_filesystem"),
                Arguments.of(Map.of("collect_from_other_runs", "false"), "collect_from_other_runs"),
                Arguments.of(Map.of("engine_logs", 0), "engine_logs"),
                Arguments.of(Map.of("docker_host", "tcp://127.0.0.1:99999"), "docker_host"),
                Arguments.of(Map.of("docker_host", "tcp://127.0.0.1:0"), "docker_host"),
                Arguments.of(Map.of("docker_host", "tcp://127.0.0.1:02375"), "docker_host"),
                Arguments.of(Map.of("docker_host", "tcp://127.0.0.1:"), "docker_host"),
                Arguments.of(Map.of("docker_host", "tcp://user:secret@127.0.0.1:2375"), "docker_host"),
                Arguments.of(Map.of("docker_host", "tcp://"), "docker_host"),
                Arguments.of(Map.of("docker_host", "http://127.0.0.1:2375"), "docker_host"),
                Arguments.of(Map.of("docker_host", "unix://var/run/docker.sock"), "docker_host"),
                Arguments.of(Map.of("docker_host", "/var/run/docker.sock"), "docker_host"),
                Arguments.of(Map.of("docker_host", "unix:///var/run/docker.sock "), "docker_host"),
                Arguments.of(Map.of("s3", Map.of("bucket", "b-1", "endpoint", "http://")), "s3.endpoint"),
                Arguments.of(Map.of("s3", Map.of("bucket", "b-1", "endpoint", "http://127.0.0.1:99999")), "s3.endpoint"),
                Arguments.of(Map.of("s3", Map.of("bucket", "b-1", "endpoint", "http://k:s@127.0.0.1:9000")), "s3.endpoint"),
                Arguments.of(Map.of("s3", Map.of("bucket", "b-1", "endpoint", "ftp://127.0.0.1")), "s3.endpoint"),
                Arguments.of(Map.of("s3", Map.of("bucket", "b-1", "path_style", "true")), "s3.path_style"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("helper_image", "Busybox:1.36")),
                        "kubernetes.helper_image"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("helper_image", "busybox:1.36\t")),
                        "kubernetes.helper_image"),
                Arguments.of(Map.of("backend", "kubernetes", "kubernetes", Map.of("network_policy", "false")),
                        "kubernetes.network_policy"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("otherBadValues")
    void otherValuesAreReadByValueToo(Map<String, Object> section, String key) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(section));
        assertEquals(key, e.key(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix:///var/run/docker.sock", "tcp://127.0.0.1:2375", "tcp://docker_dind:2376",
        "tcp://[::1]:2375", "tcp://docker.example.com", "npipe:////./pipe/docker_engine"})
    void dockerHostsThatAreFine(String host) {
        assertEquals(host, RunnerConfig.from(Map.of("docker_host", host)).dockerHost().orElseThrow());
    }

    @Test
    void limitsAtTheirEdgesAreAccepted() {
        RunnerConfig c = RunnerConfig.from(Map.of("max_timeout", 604800, "max_memory", "8589934591g", "max_cpu", 1024,
                "max_output_bytes", Integer.MAX_VALUE, "pids_limit", 1 << 22));
        assertEquals(604800, c.maxTimeout().toSeconds());
        assertEquals(1024.0, c.maxCpu());
        assertEquals(Integer.MAX_VALUE, c.maxOutputBytes());
        RunnerConfig.from(Map.of("s3", Map.of("bucket", "b-1", "endpoint", "http://127.0.0.1:9000/")));
    }
}
