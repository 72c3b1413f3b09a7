package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.fail;

import dev.containerrunner.plugin.execution.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import dev.containerrunner.spi.ActionContext;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;

/**
 * The real cluster the Kubernetes tests use: the one {@code scripts/ensure-k8s.sh up} starts
 * (override with CONTAINER_RUNNER_KUBECONFIG / CONTAINER_RUNNER_K8S_NAMESPACE). There is no
 * skipping: without a cluster these tests fail and say how to start one.
 */
public final class KubernetesCluster {

    public static final String KUBECONFIG = env("CONTAINER_RUNNER_KUBECONFIG", "/var/cache/container-runner/k8s/run/admin.kubeconfig");
    public static final String NAMESPACE = env("CONTAINER_RUNNER_K8S_NAMESPACE", "container-runner");

    private KubernetesCluster() {
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** The app configuration section for this cluster, on top of {@code base}. */
    public static Map<String, Object> configure(Map<String, Object> base) {
        Map<String, Object> c = new HashMap<>(base);
        c.put("backend", "kubernetes");
        c.put("default_cpu", 0.2); // the node has 2 CPUs; pods kept for collect_output hold their requests
        c.put("kubernetes", Map.of("kubeconfig", KUBECONFIG, "namespace", NAMESPACE, "helper_image", TestImages.BUSYBOX));
        return c;
    }

    public static KubernetesClient client() {
        File file = new File(KUBECONFIG);
        if (!file.isFile()) {
            fail("no Kubernetes cluster: " + KUBECONFIG + " is missing; run scripts/ensure-k8s.sh up");
        }
        KubernetesClient c = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(file)).build();
        try {
            c.namespaces().withName(NAMESPACE).get();
        } catch (RuntimeException e) {
            c.close();
            fail("the Kubernetes cluster does not answer (" + e.getMessage() + "); run scripts/ensure-k8s.sh up");
        }
        return c;
    }

    /**
     * The runner's Jobs, pods, Secrets and NetworkPolicies in the namespace that nobody has deleted
     * yet. An object with a deletion timestamp was deleted (by the runner, or by the garbage collector
     * for a deleted Job's pods and Secrets); the kubelet may still hold a pod Terminating for a while
     * on a loaded node (23 s seen in CI run 48), which says nothing about the runner. Whether every
     * such object is gone in the end is {@code scripts/test.sh}'s last check.
     */
    public static int runnerObjects(KubernetesClient c) {
        return objects(c).size();
    }

    /** {@link #runnerObjects(KubernetesClient)}'s objects, each as "kind name (phase)", for messages. */
    public static List<String> runnerObjectNames(KubernetesClient c) {
        return objects(c).stream().map(o -> o.getKind() + " " + o.getMetadata().getName()
                + (o instanceof Pod p && p.getStatus() != null ? " (" + p.getStatus().getPhase() + ")" : "")).toList();
    }

    private static List<HasMetadata> objects(KubernetesClient c) {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(c.batch().v1().jobs().inNamespace(NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP).list().getItems());
        all.addAll(c.pods().inNamespace(NAMESPACE).withLabel(Labels.ATTEMPT).list().getItems());
        all.addAll(c.secrets().inNamespace(NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP).list().getItems());
        all.addAll(c.network().v1().networkPolicies().inNamespace(NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP)
                .list().getItems());
        return all.stream().filter(KubernetesCluster::notDeleted).toList();
    }

    private static boolean notDeleted(HasMetadata o) {
        return o.getMetadata().getDeletionTimestamp() == null;
    }

    /**
     * The runner's objects that a call with {@code ctx} could have made, not yet deleted (see
     * {@link #runnerObjects(KubernetesClient)}): the Jobs, Secrets and NetworkPolicies labelled with
     * its workflow, run and task, and the pods whose annotations name them (a pod's only label is its
     * attempt; its template's annotations carry the exact values). Objects of other calls do not
     * count. {@code ctx} comes from {@link CallObjects#uniqueContext}, whose ids are valid label values.
     */
    public static int runnerObjects(KubernetesClient c, ActionContext ctx) {
        Map<String, String> labels = CallObjects.labels(ctx);
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(c.batch().v1().jobs().inNamespace(NAMESPACE).withLabels(labels).list().getItems());
        all.addAll(c.pods().inNamespace(NAMESPACE).withLabel(Labels.ATTEMPT).list().getItems().stream()
                .filter(p -> p.getMetadata().getAnnotations() != null
                        && labels.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(),
                        p.getMetadata().getAnnotations().get(e.getKey()))))
                .toList());
        all.addAll(c.secrets().inNamespace(NAMESPACE).withLabels(labels).list().getItems());
        all.addAll(c.network().v1().networkPolicies().inNamespace(NAMESPACE).withLabels(labels).list().getItems());
        return (int) all.stream().filter(KubernetesCluster::notDeleted).count();
    }
}
