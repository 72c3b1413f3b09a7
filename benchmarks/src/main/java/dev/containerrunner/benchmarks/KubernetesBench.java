package dev.containerrunner.benchmarks;

import dev.containerrunner.engine.WorkflowEngine;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Per-task overhead of the Kubernetes backend against a bare Job made with the same client library
 * in the same run (create, poll the pod every 200 ms like the runner, read the log, delete), with
 * the Docker backend for context. The runner adds a NetworkPolicy, the paused-then-scaled Job,
 * live log streaming and label bookkeeping on top of the bare Job.
 */
final class KubernetesBench {

    static final String KUBECONFIG = env("CONTAINER_RUNNER_KUBECONFIG", "/var/cache/container-runner/k8s/run/admin.kubeconfig");
    static final String NAMESPACE = env("CONTAINER_RUNNER_K8S_NAMESPACE", "container-runner");

    private final Bench bench;

    KubernetesBench(Bench bench) {
        this.bench = bench;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    void overhead(int runs) {
        bench.out("## 5. Kubernetes backend: %d sequential one-shot runs of `echo hi` (ms)%n%n", runs);
        bench.out("| variant | min | median | max | median ratio to (k0) |%n|---|---|---|---|---|%n");
        Map<String, Object> kubernetes = new LinkedHashMap<>();
        kubernetes.put("backend", "kubernetes");
        kubernetes.put("default_cpu", 0.2);
        kubernetes.put("kubernetes", Map.of("kubeconfig", KUBECONFIG, "namespace", NAMESPACE, "helper_image", Bench.IMAGE));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(new File(KUBECONFIG))).build();
             WorkflowEngine onKubernetes = bench.engine(1, kubernetes);
             WorkflowEngine onDocker = bench.engine(1, Map.of())) {
            Map<String, Supplier<String>> variants = new LinkedHashMap<>();
            variants.put("(k0) bare batch/v1 Job with fabric8: create, poll, log, delete", () -> bareJob(client));
            variants.put("(k1) run_container through the SPI, backend: kubernetes", () -> (String) Bench.invoke(onKubernetes,
                    Bench.RUN, Map.of("image", Bench.IMAGE, "command", List.of("echo", "hi"))).get("stdout"));
            variants.put("(k2) run_container through the SPI, backend: docker (context)", () -> (String) Bench.invoke(onDocker,
                    Bench.RUN, Map.of("image", Bench.IMAGE, "command", List.of("echo", "hi"))).get("stdout"));
            bench.oneShotRows(variants, runs, 2);
        }
        bench.out("%n");
    }

    private static String bareJob(KubernetesClient client) {
        String name = "bench-raw-" + UUID.randomUUID().toString().substring(0, 8);
        Job job = new JobBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate()
                .withNewMetadata().withLabels(Map.of("bench", name)).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(Bench.IMAGE).withImagePullPolicy("IfNotPresent")
                .withCommand("echo", "hi").endContainer()
                .endSpec().endTemplate().endSpec().build();
        client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job).create();
        try {
            while (true) {
                for (Pod p : client.pods().inNamespace(NAMESPACE).withLabel("bench", name).list().getItems()) {
                    List<ContainerStatus> statuses = p.getStatus() == null ? null : p.getStatus().getContainerStatuses();
                    if (statuses != null && !statuses.isEmpty() && statuses.get(0).getState().getTerminated() != null) {
                        return client.pods().inNamespace(NAMESPACE).withName(p.getMetadata().getName()).getLog();
                    }
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            client.pods().inNamespace(NAMESPACE).withLabel("bench", name).withGracePeriod(0).delete();
            client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
        }
    }
}
