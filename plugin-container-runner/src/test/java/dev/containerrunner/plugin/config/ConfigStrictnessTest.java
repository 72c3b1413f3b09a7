package dev.containerrunner.plugin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 re-run, findings 4, 2 and 9 on the configuration side: a key given as null is refused
 * naming it (never "use the default"), every string read must be well-formed Unicode, and keys that
 * only Docker applies are refused on Kubernetes.
 */
class ConfigStrictnessTest {

    private static final String LONE_HIGH = "A\ud800B";
    private static final String LONE_LOW = "x\udfffy";

    private static InvalidConfigurationException refused(Map<String, Object> section) {
        return assertThrows(InvalidConfigurationException.class, () -> RunnerConfig.from(section), section.toString());
    }

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The known keys a section lists when it refuses an unknown one: the test follows the code's own list. */
    private static List<String> knownKeys(Map<String, Object> section) {
        String message = refused(section).getMessage();
        String list = message.substring(message.indexOf("known keys: [") + "known keys: [".length(), message.lastIndexOf(']'));
        return Arrays.stream(list.split(", ")).toList();
    }

    @Test
    void everyTopLevelKeyGivenAsNullIsRefusedNamingIt() {
        List<String> keys = knownKeys(map("no_such_key", 1));
        assertTrue(keys.size() >= 40 && keys.contains("audit_log") && keys.contains("max_ulimits"), keys.toString());
        for (String key : keys) {
            InvalidConfigurationException e = refused(map(key, null));
            assertEquals(key, e.key(), e.getMessage());
            assertTrue(e.getMessage().contains("key '" + key + "' must not be null; omit the key for the default ("),
                    e.getMessage());
        }
    }

    @Test
    void theDefaultIsNamedInTheMessage() {
        assertEquals("configuration of app 'container_runner': key 'audit_log' must not be null; omit the key for the"
                + " default (none)", refused(map("audit_log", null)).getMessage());
        assertTrue(refused(map("max_timeout", null)).getMessage().endsWith("(3600)"));
        assertTrue(refused(map("network_allowed", null)).getMessage().endsWith("(false)"));
        assertTrue(refused(map("user", null)).getMessage().endsWith("(\"65534:65534\")"));
        assertTrue(refused(map("backend", null)).getMessage().endsWith("(docker)"));
        assertTrue(refused(map("allowed_images", null)).getMessage().endsWith("([])"));
    }

    @Test
    void anAliasGivenAsNullIsRefusedToo() {
        assertEquals("max_timeout_seconds", refused(map("max_timeout", 60, "max_timeout_seconds", null)).key());
        assertEquals("enable_network", refused(map("enable_network", null)).key());
    }

    @Test
    void everyKubernetesKeyGivenAsNullIsRefusedNamingIt() {
        List<String> keys = knownKeys(map("backend", "kubernetes", "kubernetes", map("no_such_key", 1)));
        assertTrue(keys.containsAll(List.of("namespace", "kubeconfig", "context", "service_account", "helper_image",
                "start_timeout_seconds", "network_policy", "image_pull_secrets")), keys.toString());
        for (String key : keys) {
            InvalidConfigurationException e = refused(map("backend", "kubernetes", "kubernetes", map(key, null)));
            assertEquals("kubernetes." + key, e.key(), e.getMessage());
            assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        }
    }

    @Test
    void everyS3KeyGivenAsNullIsRefusedNamingIt() {
        for (String key : List.of("bucket", "region", "endpoint", "path_style", "access_key_id", "secret_access_key")) {
            Map<String, Object> s3 = map("bucket", "artifacts", key, null);
            InvalidConfigurationException e = refused(map("s3", s3));
            assertEquals("s3." + key, e.key(), e.getMessage());
            assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        }
    }

    @Test
    void nestedNullsAreRefused() {
        assertEquals("max_ulimits.nofile", refused(map("max_ulimits", map("nofile", null))).key());
        assertEquals("registries", refused(map("registries", null)).key());
        InvalidConfigurationException entry = refused(map("allowed_images", List.of("registry.example.com/a:*"),
                "registries", map("registry.example.com", null)));
        assertEquals("registries[registry.example.com]", entry.key());
        assertTrue(entry.getMessage().contains("must not be null"), entry.getMessage());
        for (String field : List.of("username", "password_env", "password_file")) {
            Map<String, Object> login = map("username", "ci", "password_env", "PATH");
            login.put(field, null);
            InvalidConfigurationException e = refused(map("allowed_images", List.of("registry.example.com/a:*"),
                    "registries", map("registry.example.com", login)));
            assertEquals("registries[registry.example.com]." + field, e.key(), e.getMessage());
            assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        }
    }

    @Test
    void aNullListElementIsRefused() {
        List<Object> images = new ArrayList<>();
        images.add(null);
        assertEquals("allowed_images", refused(map("allowed_images", images)).key());
    }

    static Stream<Arguments> lonelySurrogates() {
        return Stream.of(
                Arguments.of(map("audit_log", "/tmp/" + LONE_HIGH), "audit_log"),
                Arguments.of(map("docker_host", "unix:///" + LONE_LOW), "docker_host"),
                Arguments.of(map("runtime", LONE_HIGH), "runtime"),
                Arguments.of(map("backend", LONE_LOW), "backend"),
                Arguments.of(map("user", "1000" + LONE_LOW), "user"),
                Arguments.of(map("max_memory", "4g" + LONE_HIGH), "max_memory"),
                Arguments.of(map("allowed_images", List.of("python:3.11-slim", "py" + LONE_HIGH)), "allowed_images[1]"),
                Arguments.of(map("allowed_users", List.of(LONE_LOW)), "allowed_users[0]"),
                Arguments.of(map("s3", map("bucket", "artifacts", "region", LONE_HIGH)), "s3.region"),
                Arguments.of(map("s3", map("bucket", "artifacts", "access_key_id", LONE_LOW, "secret_access_key", "s")),
                        "s3.access_key_id"),
                Arguments.of(map("backend", "kubernetes", "kubernetes", map("context", LONE_HIGH)), "kubernetes.context"),
                Arguments.of(map("backend", "kubernetes", "kubernetes", map("image_pull_secrets", List.of(LONE_LOW))),
                        "kubernetes.image_pull_secrets[0]"),
                Arguments.of(map("allowed_images", List.of("registry.example.com/a:*"), "registries",
                        map("registry.example.com", map("username", "ci" + LONE_HIGH, "password_env", "PATH"))),
                        "registries[registry.example.com].username"),
                Arguments.of(map("registries", map("reg" + LONE_LOW, map("username", "ci", "password_env", "PATH"))),
                        "registries"),
                Arguments.of(map("max_ulimits", map("no" + LONE_HIGH, 1)), "max_ulimits"));
    }

    @ParameterizedTest
    @MethodSource("lonelySurrogates")
    void aStringWithAnUnpairedSurrogateIsRefusedNamingTheKey(Map<String, Object> section, String key) {
        InvalidConfigurationException e = refused(section);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("unpaired UTF-16 surrogate (U+"), e.getMessage());
    }

    @Test
    void aWellFormedPairIsAccepted() {
        assertEquals("/tmp/audit-\ud83d\ude00.jsonl", RunnerConfig.from(map("audit_log", "/tmp/audit-\ud83d\ude00.jsonl"))
                .auditLog().orElseThrow());
    }

    @Test
    void nonStringKeysOfNestedObjectsAreRefused() {
        Map<Object, Object> ulimits = new HashMap<>();
        ulimits.put(null, 4096);
        assertTrue(refused(map("max_ulimits", ulimits)).getMessage().contains("keys must be strings"));
        Map<Object, Object> registries = new HashMap<>();
        registries.put(5000, map("username", "ci", "password_env", "PATH"));
        assertEquals("registries", refused(map("registries", registries)).key());
    }

    /** Finding 9: what a pod cannot apply is refused on Kubernetes, saying it applies to Docker only and why. */
    @Test
    void dockerOnlyKeysAreRefusedOnKubernetes() {
        InvalidConfigurationException pids = refused(map("backend", "kubernetes", "pids_limit", 256));
        assertEquals("pids_limit", pids.key());
        assertTrue(pids.getMessage().contains("only applies to backend: docker: a pod has no per-container pids limit"
                + " (the kubelet's podPidsLimit is a node setting)"), pids.getMessage());
        InvalidConfigurationException ulimits = refused(map("backend", "kubernetes", "max_ulimits", map("nofile", 4096)));
        assertEquals("max_ulimits", ulimits.key());
        assertTrue(ulimits.getMessage().contains("only applies to backend: docker"), ulimits.getMessage());
        InvalidConfigurationException pull = refused(map("backend", "kubernetes", "pull_timeout_seconds", 60));
        assertEquals("pull_timeout_seconds", pull.key());
        assertTrue(pull.getMessage().contains("only applies to backend: docker: on Kubernetes the kubelet pulls"),
                pull.getMessage());
        assertEquals("engine_logs", refused(map("backend", "kubernetes", "engine_logs", true)).key());
        assertEquals("docker_host", refused(map("backend", "kubernetes", "docker_host", "unix:///x.sock")).key());
        assertEquals("host_network_allowed", refused(map("backend", "kubernetes", "network_allowed", true,
                "host_network_allowed", true)).key());
    }

    @Test
    void theAuditedPidsLimitIsTheOneApplied() {
        RunnerConfig kubernetes = RunnerConfig.from(map("backend", "kubernetes"));
        assertTrue(kubernetes.appliedPidsLimit().isEmpty(), "a pod has no per-container pids limit");
        assertEquals(256, RunnerConfig.defaults().appliedPidsLimit().getAsLong());
        assertEquals(1024, RunnerConfig.from(map("pids_limit", 1024)).appliedPidsLimit().getAsLong());
        assertEquals(4096, RunnerConfig.from(map("max_ulimits", map("nofile", 4096))).maxUlimits().get("nofile"));
        assertEquals(60, RunnerConfig.from(map("pull_timeout_seconds", 60)).registry().pullTimeout().toSeconds());
    }
}
