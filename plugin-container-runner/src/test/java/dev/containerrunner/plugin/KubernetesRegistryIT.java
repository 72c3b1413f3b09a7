package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private images on the real local cluster: the kubelet pulls from the real registry
 * ({@code scripts/ensure-registry.sh}) through a per-run {@code kubernetes.io/dockerconfigjson}
 * Secret (gone with the run) or an existing Secret named in {@code kubernetes.image_pull_secrets};
 * its pull errors map to the same failure classes as Docker's. The image is removed from the node's
 * engine before each run so that the kubelet really pulls it.
 */
class KubernetesRegistryIT {

    private static final String WHICH = "command -v python3 >/dev/null && echo python || echo busybox";

    @TempDir
    static Path dir;
    private static KubernetesClient cluster;
    private static Path passwordFile;

    @BeforeAll
    static void start() throws IOException {
        TestRegistry.requireRunning();
        cluster = KubernetesCluster.client();
        passwordFile = dir.resolve("alice.password");
        Files.writeString(passwordFile, TestRegistry.password());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        while (KubernetesCluster.runnerObjects(cluster) > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        assertEquals(List.of(), KubernetesCluster.runnerObjectNames(cluster), "runner objects (Jobs, pods, Secrets) left in the namespace");
        cluster.close();
        TestRegistry.assertLocalImagesUntouched();
    }

    /** A configured app and its actions; closing it closes the app. */
    private record App(ContainerRunnerApp app, ActionRegistry actions) implements AutoCloseable {
        Map<String, Object> call(TestContext ctx, Object... kv) {
            return ActionCalls.call(actions, "run_container", ctx, kv);
        }

        @Override
        public void close() {
            app.close();
        }
    }

    private static App app(Map<String, Object> extra, Map<String, Object> kubernetesExtra) {
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of(TestRegistry.HOST + "/test/*:*", "container-runner-test/*:*"));
        c.put("stop_grace_seconds", 2);
        c.put("collect_retention_seconds", 0);
        Map<String, Object> configured = KubernetesCluster.configure(c);
        Map<String, Object> k = new HashMap<>(castMap(configured.get("kubernetes")));
        k.putAll(kubernetesExtra);
        configured.put("kubernetes", k);
        configured.putAll(extra);
        ContainerRunnerApp a = new ContainerRunnerApp();
        a.configure(configured);
        return new App(a, ActionRegistry.of(a));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String pullSecretOf(TestContext ctx) {
        return ctx.lines.stream().filter(l -> l.startsWith("SYSTEM image pull secret ")).findFirst()
                .map(l -> l.substring("SYSTEM image pull secret ".length(), l.indexOf(" for "))).orElse(null);
    }

    @Test
    void aPrivateImageIsPulledByTheKubeletThroughAPerRunSecretThatIsGoneAfterwards() {
        TestRegistry.removeLocal(TestRegistry.BUSYBOX);
        try (App a = app(Map.of("registries", TestRegistry.registries(passwordFile)), Map.of())) {
            TestContext ctx = new TestContext("k8s-private");
            Map<String, Object> r = a.call(ctx, "image", TestRegistry.BUSYBOX, "command", List.of("sh", "-c", WHICH));
            assertEquals(true, r.get("success"), r + " " + ctx.lines);
            assertEquals("busybox\n", r.get("stdout"));
            String secret = pullSecretOf(ctx);
            assertEquals("container-runner-" + r.get("container_id") + "-pull", secret, ctx.lines.toString());
            assertTrue(ctx.lines.stream().anyMatch(l -> l.contains(" for " + TestRegistry.HOST + " (credentials from registries["
                    + TestRegistry.HOST + "] password_file " + passwordFile + ")")), ctx.lines.toString());
            assertTrue(((String) r.get("image_digest")).contains("sha256:"), String.valueOf(r.get("image_digest")));
            assertNull(cluster.secrets().inNamespace(KubernetesCluster.NAMESPACE).withName(secret).get(),
                    "the pull Secret is deleted with the run");
            assertFalse(ctx.lines.toString().contains(TestRegistry.password()));
        } finally {
            TestRegistry.removeLocal(TestRegistry.BUSYBOX);
        }
    }

    @Test
    void aWrongPasswordIsTheSameAuthenticationFailureAsOnDocker() throws IOException {
        TestRegistry.removeLocal(TestRegistry.BUSYBOX);
        String wrong = "wrong-" + UUID.randomUUID();
        Path wrongFile = dir.resolve("wrong.password");
        Files.writeString(wrongFile, wrong);
        try (App a = app(Map.of("registries", TestRegistry.registries(wrongFile)), Map.of())) {
            TestContext ctx = new TestContext("k8s-wrong");
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class, () -> a.call(ctx,
                    "image", TestRegistry.BUSYBOX, "command", List.of("true")));
            assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("registry " + TestRegistry.HOST + " refused the credentials from registries["
                    + TestRegistry.HOST + "] password_file " + wrongFile), e.getMessage());
            assertFalse(e.getMessage().contains(wrong) || ctx.lines.toString().contains(wrong), "the password appears nowhere");
            String secret = pullSecretOf(ctx);
            assertNull(cluster.secrets().inNamespace(KubernetesCluster.NAMESPACE).withName(secret).get());
        }
    }

    @Test
    void aMissingTagIsNotFound() {
        try (App a = app(Map.of("registries", TestRegistry.registries(passwordFile)), Map.of())) {
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class, () -> a.call(new TestContext("k8s-tag"),
                    "image", TestRegistry.HOST + "/test/busybox:no-such-tag", "command", List.of("true")));
            assertEquals(Optional.of(FailureReason.IMAGE_NOT_FOUND), e.reason(), e.getMessage());
        }
    }

    @Test
    void anExistingSecretNamedInImagePullSecretsIsUsed() {
        TestRegistry.removeLocal(TestRegistry.PYTHON);
        String name = "registry-it-" + UUID.randomUUID().toString().substring(0, 8);
        String auth = Base64.getEncoder().encodeToString((TestRegistry.USER + ":" + TestRegistry.password())
                .getBytes(StandardCharsets.UTF_8));
        String json = "{\"auths\":{\"" + TestRegistry.HOST + "\":{\"auth\":\"" + auth + "\"}}}";
        Secret regcred = new SecretBuilder().withNewMetadata().withName(name).endMetadata().withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
                .build();
        cluster.secrets().inNamespace(KubernetesCluster.NAMESPACE).resource(regcred).create();
        try (App a = app(Map.of(), Map.of("image_pull_secrets", List.of(name)))) {
            TestContext ctx = new TestContext("k8s-regcred");
            Map<String, Object> r = a.call(ctx, "image", TestRegistry.PYTHON, "command", List.of("python3", "-c", "print(6*7)"));
            assertEquals(true, r.get("success"), r + " " + ctx.lines);
            assertEquals("42\n", r.get("stdout"));
            assertNull(pullSecretOf(ctx), "no per-run Secret without registries");
            assertTrue(cluster.secrets().inNamespace(KubernetesCluster.NAMESPACE).withName(name).get() != null,
                    "a Secret the runner did not create is left alone");
        } finally {
            cluster.secrets().inNamespace(KubernetesCluster.NAMESPACE).withName(name).delete();
            TestRegistry.removeLocal(TestRegistry.PYTHON);
        }
    }
}
