package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.ActionRegistry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What only the Kubernetes backend does, checked on the real cluster through its API. */
class KubernetesIT {

    private static KubernetesClient cluster;
    private static App main;
    private static RunPods runPods;

    /** A configured app and its actions; closing it closes the app. */
    private record App(ContainerRunnerApp app, ActionRegistry actions) implements AutoCloseable {
        Map<String, Object> call(String action, TestContext ctx, Object... kv) {
            return ActionCalls.call(actions, action, ctx, kv);
        }

        @Override
        public void close() {
            app.close();
        }
    }

    @BeforeAll
    static void start() {
        cluster = KubernetesCluster.client();
        runPods = RunPods.watch(cluster);
        main = newApp(Map.of());
    }

    private static App newApp(Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of(TestImages.PYTHON, "container-runner-test/*:*"));
        c.put("stop_grace_seconds", 2);
        c.put("collect_retention_seconds", 600);
        Map<String, Object> configured = KubernetesCluster.configure(c);
        configured.putAll(extra);
        ContainerRunnerApp a = new ContainerRunnerApp();
        a.configure(configured);
        return new App(a, ActionRegistry.of(a));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        main.close();
        long until = System.currentTimeMillis() + 60_000;
        while (KubernetesCluster.runnerObjects(cluster) > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        assertEquals(List.of(), KubernetesCluster.runnerObjectNames(cluster), "runner objects left in the namespace");
        runPods.close();
        assertTrue(runPods.runs() > 0, "the watch saw the runs' pods");
        assertEquals(Map.of(), runPods.runsWithMoreThanOnePod(), "runs whose pod the Job controller replaced");
        cluster.close();
    }

    private static Pod podOf(String attempt) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<Pod> pods = cluster.pods().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.ATTEMPT, attempt).list().getItems();
            if (!pods.isEmpty()) {
                return pods.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no pod for " + attempt);
    }

    private static String runningAttempt() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<Job> jobs = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE)
                    .withLabel(Labels.MANAGED_BY, Labels.APP).list().getItems();
            for (Job j : jobs) {
                if ("sleeper".equals(j.getMetadata().getAnnotations().get(Labels.TASK))) {
                    return j.getMetadata().getLabels().get(Labels.ATTEMPT);
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run's Job did not appear");
    }

    @Test
    void theRunningPodIsHardenedAndIsolatedByADenyAllPolicy() throws Exception {
        TestContext ctx = new TestContext("sleeper");
        CompletableFuture<Map<String, Object>> run = CompletableFuture.supplyAsync(() -> main.call("run_container", ctx,
                "image", TestImages.BUSYBOX, "command", List.of("sh", "-c",
                        "sleep 3; ls /var/run/secrets/kubernetes.io 2>&1 || echo no-token; grep CapEff /proc/self/status"),
                "memory_limit", "64m", "cpu_limit", 0.25));
        String attempt = runningAttempt();
        Job job = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName("container-runner-" + attempt).get();
        assertEquals(0, job.getSpec().getBackoffLimit());
        assertEquals(Labels.APP, job.getMetadata().getLabels().get(Labels.MANAGED_BY));
        assertEquals(Labels.ownerId(), job.getMetadata().getAnnotations().get(Labels.OWNER));
        assertNotNull(job.getSpec().getActiveDeadlineSeconds());
        PodSpec pod = podOf(attempt).getSpec();
        assertEquals(false, pod.getAutomountServiceAccountToken());
        assertEquals(65534L, pod.getSecurityContext().getRunAsUser());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        var main = pod.getContainers().get(0);
        assertEquals(List.of("ALL"), main.getSecurityContext().getCapabilities().getDrop());
        assertEquals(false, main.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(main.getResources().getLimits(), main.getResources().getRequests());
        assertEquals("250m", main.getResources().getLimits().get("cpu").toString());
        NetworkPolicy policy = cluster.network().v1().networkPolicies().inNamespace(KubernetesCluster.NAMESPACE)
                .withName("container-runner-" + attempt).get();
        assertNotNull(policy, "network none = a deny-all NetworkPolicy for the run");
        assertEquals(Map.of(Labels.ATTEMPT, attempt), policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        Map<String, Object> r = run.get(60, TimeUnit.SECONDS);
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertTrue(((String) r.get("stdout")).contains("no-token"), "no service-account token mounted: " + r.get("stdout"));
        assertTrue(((String) r.get("stdout")).contains("CapEff:\t0000000000000000"), "no capabilities: " + r.get("stdout"));
        assertEquals(attempt, r.get("container_id"));
        Job after = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName("container-runner-" + attempt).get();
        assertTrue(after == null || after.getMetadata().getDeletionTimestamp() != null,
                "a run without writable_dirs is deleted when it ends");
    }

    @Test
    void collectOutputRefusesAJobTheRunnerDidNotCreate() {
        String attempt = "00000000000000000000000000000abc";
        Job foreign = new JobBuilder().withNewMetadata().withName("container-runner-" + attempt).endMetadata()
                .withNewSpec().withParallelism(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(TestImages.BUSYBOX).withCommand("true").endContainer()
                .endSpec().endTemplate().endSpec().build();
        cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).resource(foreign).create();
        try {
            ActionFailedException e = assertThrows(ActionFailedException.class, () -> main.call("collect_output",
                    new TestContext("foreign"), "container_id", attempt, "file_paths", List.of("/etc/passwd")));
            assertTrue(e.getMessage().contains("was not created by container_runner"), e.getMessage());
        } finally {
            cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName("container-runner-" + attempt).delete();
        }
    }

    @Test
    void collectOutputOnlyReadsTheRunsDirectories() {
        TestContext ctx = new TestContext("dirs");
        Map<String, Object> run = main.call("run_container", ctx, "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "echo hi > /out/a"), "writable_dirs", List.of("/out"));
        Map<String, Object> got = main.call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/etc/passwd", "/out/a"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) got.get("files");
        // worded truthfully since the battery's re-run (finding 10): the path is outside the run's directories
        assertTrue(String.valueOf(files.get(0).get("error")).contains("is not in the run's directories [/out]"),
                String.valueOf(files.get(0)));
        assertEquals("hi\n", files.get(1).get("content"));
        main.app().runFinished(ctx.runId());
        assertThrows(ActionFailedException.class, () -> main.call("collect_output", ctx, "container_id", run.get("container_id"),
                "file_paths", List.of("/out/a")), "released when the workflow run ended");
    }

    @Test
    void cancellationDeletesThePod() throws Exception {
        TestContext ctx = new TestContext("cancel");
        CompletableFuture<Map<String, Object>> run = CompletableFuture.supplyAsync(() -> main.call("run_container", ctx,
                "image", TestImages.BUSYBOX, "command", List.of("sh", "-c", "echo up; sleep 600"), "timeout_seconds", 300));
        long until = System.currentTimeMillis() + 30_000;
        while (!ctx.lines.contains("STDOUT up") && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        long t0 = System.nanoTime();
        ctx.cancellation.cancel();
        Map<String, Object> r = run.get(60, TimeUnit.SECONDS);
        assertEquals(false, r.get("success"));
        assertTrue(((String) r.get("error")).contains("cancelled"), (String) r.get("error"));
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "stopped within the grace period");
    }

    /** Issue 18: the 1,000,000-byte Secret ceiling is gone (this test asserted its refusal): the file is streamed. */
    @Test
    void anInputFileAboveTheOldSecretCeilingIsStreamedIntoThePod() {
        TestContext ctx = new TestContext("big");
        Map<String, Object> r = main.call("run_with_input", ctx, "image", TestImages.BUSYBOX, "command",
                List.of("sh", "-c", "wc -c < /in/big; tr -d x < /in/big | wc -c"),
                "input_file", Map.of("path", "/in/big", "content", "x".repeat(2 << 20)));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals((2 << 20) + "\n0\n", r.get("stdout"));
        assertTrue(ctx.lines.stream().anyMatch(l -> l.contains("(size and SHA-256 verified)")), ctx.lines.toString());
    }

    @Test
    void expiredRunsOfEarlierProcessesAreReapedAtFirstContact() {
        String attempt = "00000000000000000000000000000def";
        Job orphan = new JobBuilder().withNewMetadata().withName("container-runner-" + attempt)
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.APP, Labels.ATTEMPT, attempt,
                        Labels.EXPIRES_AT, Long.toString(Instant.now().getEpochSecond() - 1)))
                .endMetadata()
                .withNewSpec().withParallelism(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(TestImages.BUSYBOX).withCommand("true").endContainer()
                .endSpec().endTemplate().endSpec().build();
        cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).resource(orphan).create();
        // and one whose owner process on this host is gone, though its expiry is far away
        String crashed = "00000000000000000000000000000fed";
        String host = Labels.ownerId().substring(Labels.ownerId().indexOf('@') + 1);
        Job ownerless = new JobBuilder(orphan).editMetadata().withName("container-runner-" + crashed)
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.APP, Labels.ATTEMPT, crashed,
                        Labels.EXPIRES_AT, Long.toString(Instant.now().getEpochSecond() + 3600)))
                .withAnnotations(Map.of(Labels.OWNER, "4194000@" + host, Labels.OWNER_STARTED, "1")).endMetadata().build();
        cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).resource(ownerless).create();
        try (App second = newApp(Map.of())) {
            second.call("run_container", new TestContext("contact"), "image", TestImages.BUSYBOX, "command", List.of("true"));
        }
        Job left = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName("container-runner-" + attempt).get();
        assertTrue(left == null || left.getMetadata().getDeletionTimestamp() != null, "the expired Job was deleted");
        Job leftOwnerless = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE)
                .withName("container-runner-" + crashed).get();
        assertTrue(leftOwnerless == null || leftOwnerless.getMetadata().getDeletionTimestamp() != null,
                "the Job of a process that is gone was deleted");
    }

    @Test
    void collectOutputStreamsALargeFileToS3() throws Exception {
        try (S3Server s3 = new S3Server("k8s-artifacts");
             App withS3 = newApp(Map.of("s3", Map.of("bucket", "k8s-artifacts", "endpoint", s3.endpoint,
                     "path_style", true, "access_key_id", S3Server.ACCESS, "secret_access_key", S3Server.SECRET)))) {
            TestContext ctx = new TestContext("s3");
            Map<String, Object> run = withS3.call("run_container", ctx, "image", TestImages.BUSYBOX, "command", List.of("sh", "-c",
                    "head -c 67108864 /dev/zero > /out/big.bin; sha256sum /out/big.bin"), "writable_dirs", List.of("/out"),
                    "memory_limit", "128m");
            assertEquals(true, run.get("success"), String.valueOf(run));
            String sha = ((String) run.get("stdout")).split(" ")[0];
            Map<String, Object> got = withS3.call("collect_output", ctx, "container_id", run.get("container_id"),
                    "file_paths", List.of("/out/big.bin"), "upload_to_s3", true, "release", true);
            @SuppressWarnings("unchecked")
            Map<String, Object> f = ((List<Map<String, Object>>) got.get("files")).get(0);
            assertEquals(64L << 20, ((Number) f.get("size_bytes")).longValue(), String.valueOf(got));
            assertEquals(sha, f.get("sha256"));
            String key = ((String) f.get("s3_url")).substring("s3://k8s-artifacts/".length());
            assertEquals(64L << 20, s3.client.headObject(b -> b.bucket("k8s-artifacts").key(key)).contentLength());
        }
    }

    @Test
    void keptRunsAreDeletedWhenTheirRetentionPasses() throws Exception {
        try (App shortLived = newApp(Map.of("collect_retention_seconds", 2, "janitor_interval_seconds", 1,
                "cleanup_after_run", false))) {
            Map<String, Object> run = shortLived.call("run_container", new TestContext("retained"), "image", TestImages.BUSYBOX,
                    "command", List.of("sh", "-c", "echo x > /out/x"), "writable_dirs", List.of("/out"));
            String name = "container-runner-" + run.get("container_id");
            long t0 = System.nanoTime();
            Job job = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName(name).get();
            assertNotNull(job, "kept for collect_output");
            while (job != null && job.getMetadata().getDeletionTimestamp() == null && (System.nanoTime() - t0) / 1e9 < 20) {
                Thread.sleep(250);
                job = cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName(name).get();
            }
            assertTrue(job == null || job.getMetadata().getDeletionTimestamp() != null, "deleted after its retention");
            System.out.printf("kept run deleted %.1f s after it ended (retention 2 s, sweep every 1 s)%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    @Test
    void aPodThatCannotBeScheduledFailsAfterTheStartTimeoutWithTheSchedulersReason() {
        try (App impatient = newApp(Map.of("max_cpu", 64.0, "kubernetes", Map.of("kubeconfig", KubernetesCluster.KUBECONFIG,
                "namespace", KubernetesCluster.NAMESPACE, "helper_image", TestImages.BUSYBOX, "start_timeout_seconds", 5)))) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> impatient.call("run_container", new TestContext("huge"),
                    "image", TestImages.BUSYBOX, "command", List.of("true"), "cpu_limit", 64.0));
            assertTrue(e.getMessage().contains("did not start within start_timeout_seconds (5)"), e.getMessage());
            assertTrue(e.getMessage().contains("Insufficient cpu"), e.getMessage());
            assertEquals(0, cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP)
                    .list().getItems().stream().filter(j -> "huge".equals(j.getMetadata().getAnnotations().get(Labels.TASK))
                            && j.getMetadata().getDeletionTimestamp() == null).count(), "its Job was deleted");
        }
    }

    @Test
    void theInputFileSecretIsGoneOnceTheContainerStarted() {
        TestContext ctx = new TestContext("secret");
        Map<String, Object> r = main.call("run_with_input", ctx, "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "cat /in/token.txt > /out/copy.txt"), "writable_dirs", List.of("/out"),
                "input_file", Map.of("path", "/in/token.txt", "content", "s3cr3t"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        String name = "container-runner-" + r.get("container_id");
        assertNotNull(cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName(name).get(), "the run is kept");
        var secret = cluster.secrets().inNamespace(KubernetesCluster.NAMESPACE).withName(name).get();
        assertTrue(secret == null || secret.getMetadata().getDeletionTimestamp() != null, "the Secret went when the container started");
        Map<String, Object> got = main.call("collect_output", ctx, "container_id", r.get("container_id"), "file_paths",
                List.of("/out/copy.txt"), "release", true);
        assertEquals(true, got.get("success"), String.valueOf(got));
    }

    @Test
    void readOnlyRootFilesystemKeepsTheRunsDirectoriesWritable() {
        try (App readOnly = newApp(Map.of("read_only_root_filesystem", true))) {
            Map<String, Object> r = readOnly.call("run_with_input", new TestContext("readonly"), "image", TestImages.BUSYBOX,
                    "command", List.of("sh", "-c", "touch /home/x 2>/dev/null && echo root-writable; "
                            + "tr a-z A-Z < /in/a.txt > /out/b.txt && mv /out/b.txt /out/c.txt && echo ok"),
                    "input_file", Map.of("path", "/in/a.txt", "content", "abc"), "output_file", "/out/c.txt");
            assertEquals(true, r.get("success"), String.valueOf(r));
            assertEquals("ok\n", r.get("stdout"), "the root filesystem is read-only, the run's directories are not");
            assertEquals("ABC", r.get("output_file_content"));
        }
    }

    @Test
    void cancellingAPodThatWaitsToBeScheduledEndsAtOnce() throws Exception {
        try (App waiting = newApp(Map.of("max_cpu", 64.0))) {
            TestContext ctx = new TestContext("pending");
            CompletableFuture<Map<String, Object>> run = CompletableFuture.supplyAsync(() -> waiting.call("run_container", ctx,
                    "image", TestImages.BUSYBOX, "command", List.of("true"), "cpu_limit", 64.0));
            Thread.sleep(2000);
            long t0 = System.nanoTime();
            ctx.cancellation.cancel();
            Map<String, Object> r = run.get(30, TimeUnit.SECONDS);
            assertEquals(false, r.get("success"));
            assertTrue(((String) r.get("error")).contains("cancelled"), (String) r.get("error"));
            assertTrue((System.nanoTime() - t0) / 1e9 < 5, "ended at once");
        }
    }

    @Test
    void anUnreachableClusterIsAClearErrorWithinSeconds(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path kubeconfig = dir.resolve("kubeconfig");
        java.nio.file.Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: gone, context: {cluster: gone, user: u}}]
                current-context: gone
                """);
        try (App nowhere = newApp(Map.of("kubernetes", Map.of("kubeconfig", kubeconfig.toString(), "namespace", "x")))) {
            long t0 = System.nanoTime();
            RuntimeException e = assertThrows(RuntimeException.class, () -> nowhere.call("run_container", new TestContext("nowhere"),
                    "image", TestImages.BUSYBOX, "command", List.of("true")));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(e.getMessage().contains("https://127.0.0.1:1"), e.getMessage());
            assertTrue(seconds < 10, "failed after " + seconds + " s");
            System.out.printf("unreachable cluster reported in %.1f s: %s%n", seconds, e.getMessage());
        }
    }

    /** Issue 14 on Kubernetes: under a read-only root the run's directories in /tmp are emptyDirs: files arrive exactly. */
    @Test
    void readOnlyRootWithFilesUnderTmp() {
        try (App ro = newApp(Map.of("read_only_root_filesystem", true))) {
            Map<String, Object> r = ro.call("run_with_input", new TestContext("ro-tmp"), "image", TestImages.BUSYBOX,
                    "command", List.of("sh", "-c", "cat /tmp/in.txt; touch /evil 2>/dev/null && echo rootfs-writable"
                            + " || echo rootfs-read-only; echo out > /tmp/out/x.txt"),
                    "input_file", Map.of("path", "/tmp/in.txt", "content", "on k8s\n"), "output_file", "/tmp/out/x.txt");
            assertEquals(true, r.get("success"), String.valueOf(r));
            assertEquals("on k8s\nrootfs-read-only\n", r.get("stdout"));
            assertEquals("out\n", r.get("output_file_content"));
        }
    }

    @Test
    void hostNetworkCannotBeConfiguredForKubernetes() {
        var e = assertThrows(dev.containerrunner.spi.InvalidConfigurationException.class, () -> new ContainerRunnerApp()
                .configure(KubernetesCluster.configure(Map.of("network_allowed", true, "host_network_allowed", true))));
        assertTrue(e.getMessage().contains("host_network_allowed"), e.getMessage());
    }
}
