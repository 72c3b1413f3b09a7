package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidKwargsException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pod profiles on the real cluster: its one node is labelled and tainted by this test (and both are
 * removed in {@link #restoreTheNode} whatever happens, also by a shutdown hook if the JVM is stopped):
 * a profile with the matching selector and toleration schedules and succeeds, one without the
 * toleration fails fast with the scheduler's message, and the priority class and ephemeral storage
 * are read back from the API server. The taint would keep every other test's pods off the node: run
 * this only under the shared IT lock.
 */
class KubernetesProfilesIT {

    private static final String TAINT_KEY = "container-runner-it/dedicated";
    private static final String TAINT_VALUE = "profiles";
    private static final String LABEL_KEY = "container-runner-it/pool";
    private static final String LABEL_VALUE = "profiles";
    private static final String PRIORITY_CLASS = "container-runner-it-low";
    private static final int PRIORITY = 100;
    private static final int START_TIMEOUT = 90;

    private static KubernetesClient cluster;
    private static String node;
    private static Thread restoreOnExit;
    private static ContainerRunnerApp app;
    private static ActionRegistry actions;

    @BeforeAll
    static void labelAndTaintTheNode() {
        cluster = KubernetesCluster.client();
        List<Node> nodes = cluster.nodes().list().getItems();
        assertEquals(1, nodes.size(), "the local cluster has one node");
        node = nodes.get(0).getMetadata().getName();
        restoreOnExit = new Thread(KubernetesProfilesIT::untaint, "restore-node");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        cluster.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
                .withName(PRIORITY_CLASS).endMetadata().withValue(PRIORITY).withGlobalDefault(false)
                .withDescription("container_runner KubernetesProfilesIT").build()).createOrReplace();
        cluster.nodes().withName(node).edit(n -> {
            n.getMetadata().getLabels().put(LABEL_KEY, LABEL_VALUE);
            List<Taint> taints = new ArrayList<>(n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints());
            taints.removeIf(t -> TAINT_KEY.equals(t.getKey()));
            taints.add(new Taint("NoSchedule", TAINT_KEY, null, TAINT_VALUE));
            n.getSpec().setTaints(taints);
            return n;
        });
        Map<String, Object> placed = Map.of(
                "node_selector", Map.of(LABEL_KEY, LABEL_VALUE),
                "tolerations", List.of(Map.of("key", TAINT_KEY, "operator", "Equal", "value", TAINT_VALUE, "effect", "NoSchedule")),
                "priority_class_name", PRIORITY_CLASS,
                "ephemeral_storage", Map.of("request", "64Mi", "limit", "256Mi"),
                "allowed_images", List.of(TestImages.BUSYBOX));
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of(TestImages.PYTHON, TestImages.BUSYBOX));
        c.put("stop_grace_seconds", 2);
        Map<String, Object> configured = KubernetesCluster.configure(c);
        configured.put("kubernetes", Map.of("kubeconfig", KubernetesCluster.KUBECONFIG, "namespace", KubernetesCluster.NAMESPACE,
                "helper_image", TestImages.BUSYBOX, "start_timeout_seconds", START_TIMEOUT));
        configured.put("profiles", Map.of("placed", placed, "untolerated", Map.of("node_selector", Map.of(LABEL_KEY, LABEL_VALUE))));
        app = new ContainerRunnerApp();
        app.configure(configured);
        actions = ActionRegistry.of(app);
    }

    @AfterAll
    static void restoreTheNode() throws InterruptedException {
        List<Throwable> failures = new ArrayList<>();
        try {
            if (app != null) {
                app.close();
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            untaint();
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            cluster.scheduling().v1().priorityClasses().withName(PRIORITY_CLASS).delete();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        Node n = cluster.nodes().withName(node).get();
        assertTrue(n.getSpec().getTaints() == null || n.getSpec().getTaints().stream().noneMatch(t -> TAINT_KEY.equals(t.getKey())),
                "the test's taint is gone: " + n.getSpec().getTaints());
        assertTrue(!n.getMetadata().getLabels().containsKey(LABEL_KEY), "the test's label is gone");
        long until = System.currentTimeMillis() + 60_000;
        while (KubernetesCluster.runnerObjects(cluster) > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        assertEquals(List.of(), KubernetesCluster.runnerObjectNames(cluster), "runner objects left in the namespace");
        cluster.close();
        assertEquals(List.of(), failures);
    }

    /** Removes the test's taint and label from the node (idempotent; also the shutdown hook). */
    private static void untaint() {
        if (cluster == null || node == null) {
            return;
        }
        cluster.nodes().withName(node).edit(n -> {
            n.getMetadata().getLabels().remove(LABEL_KEY);
            if (n.getSpec().getTaints() != null) {
                List<Taint> taints = new ArrayList<>(n.getSpec().getTaints());
                taints.removeIf(t -> TAINT_KEY.equals(t.getKey()));
                n.getSpec().setTaints(taints);
            }
            return n;
        });
    }

    private static Map<String, Object> call(TestContext ctx, Object... kv) {
        return ActionCalls.call(actions, "run_container", ctx, kv);
    }

    private static Job jobOf(String task) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (Job j : cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP)
                    .list().getItems()) {
                if (task.equals(j.getMetadata().getAnnotations().get(Labels.TASK))) {
                    return j;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run's Job did not appear");
    }

    private static Pod podOf(Job job) throws InterruptedException {
        String attempt = job.getMetadata().getLabels().get(Labels.ATTEMPT);
        for (int i = 0; i < 200; i++) {
            List<Pod> pods = cluster.pods().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.ATTEMPT, attempt).list().getItems();
            if (!pods.isEmpty()) {
                return pods.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no pod for " + attempt);
    }

    @Test
    void aProfileWithTheNodesSelectorAndTolerationSchedulesThereAndSucceeds() throws Exception {
        TestContext ctx = new TestContext("placed");
        CompletableFuture<Map<String, Object>> run = CompletableFuture.supplyAsync(() -> call(ctx, "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "sleep 2; echo placed"), "memory_limit", "64m", "cpu_limit", 0.2,
                "profile", "placed"));
        Job job = jobOf("placed");
        PodSpec template = job.getSpec().getTemplate().getSpec(); // as the API server stored it
        assertEquals(Map.of(LABEL_KEY, LABEL_VALUE), template.getNodeSelector());
        assertEquals(List.of(new Toleration("NoSchedule", TAINT_KEY, "Equal", null, TAINT_VALUE)), template.getTolerations());
        assertEquals(PRIORITY_CLASS, template.getPriorityClassName());
        Map<String, Quantity> requests = template.getContainers().get(0).getResources().getRequests();
        Map<String, Quantity> limits = template.getContainers().get(0).getResources().getLimits();
        assertEquals(new Quantity("64Mi"), requests.get("ephemeral-storage"));
        assertEquals(new Quantity("256Mi"), limits.get("ephemeral-storage"));
        assertEquals(false, template.getAutomountServiceAccountToken(), "the hardening stays");
        assertEquals(List.of("ALL"), template.getContainers().get(0).getSecurityContext().getCapabilities().getDrop());
        Pod pod = podOf(job);
        assertEquals(PRIORITY, pod.getSpec().getPriority(), "the admission resolved the PriorityClass");
        Map<String, Object> result = run.get(START_TIMEOUT + 30, TimeUnit.SECONDS);
        assertEquals(true, result.get("success"), String.valueOf(result));
        assertEquals("placed\n", result.get("stdout"));
    }

    @Test
    void withoutTheTolerationTheRunFailsFastWithTheSchedulersMessage() {
        TestContext ctx = new TestContext("untolerated");
        long started = System.nanoTime();
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> call(ctx, "image", TestImages.BUSYBOX,
                "command", List.of("true"), "memory_limit", "64m", "cpu_limit", 0.2, "profile", "untolerated"));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(e.getMessage().contains("cannot be scheduled"), e.getMessage());
        assertTrue(e.getMessage().contains("node(s) had taint {" + TAINT_KEY + ": " + TAINT_VALUE + "}, that the pod didn't"
                + " tolerate"), e.getMessage());
        assertTrue(seconds < 30, "failed in " + seconds + " s, well before start_timeout_seconds (" + START_TIMEOUT + ")");
        System.out.printf("unschedulable run failed after %.2f s: %s%n", seconds, e.getMessage());
    }

    @Test
    void anUnknownProfileOrAnImageTheProfileRefusesCreatesNothing() {
        InvalidKwargsException unknown = assertThrows(InvalidKwargsException.class, () -> call(new TestContext("unknown"),
                "image", TestImages.BUSYBOX, "command", List.of("true"), "profile", "nowhere"));
        assertEquals("profile", unknown.parameter());
        assertTrue(unknown.getMessage().contains("'nowhere' is not a configured profile"), unknown.getMessage());
        InvalidKwargsException image = assertThrows(InvalidKwargsException.class, () -> call(new TestContext("image"),
                "image", TestImages.PYTHON, "command", List.of("true"), "profile", "placed"));
        assertTrue(image.getMessage().contains("profile 'placed' does not allow image"), image.getMessage());
        assertTrue(cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP)
                .list().getItems().stream().noneMatch(j -> List.of("unknown", "image").contains(
                        j.getMetadata().getAnnotations().get(Labels.TASK))), "no Job for a refused request");
    }
}
