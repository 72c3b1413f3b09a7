package dev.containerrunner.benchmarks;

import dev.containerrunner.benchmarks.ClusterTimeline.Stage;
import dev.containerrunner.engine.WorkflowEngine;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Kubernetes per-task latency: how a run is made (a bare Pod, a bare Job, the runner's paused Job
 * with its Secret and NetworkPolicy, the same objects around a Pod created directly) against the
 * runner's own {@code run_container}, each repetition interleaved, on the local cluster. Times come
 * from {@link ClusterTimeline} (watches, no polling). Every repetition deletes what it made and
 * waits until it is gone before the next one starts.
 */
final class PodVsJobBench {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, Quantity> RESOURCES = Map.of("cpu", new Quantity("200m"), "memory", new Quantity("512Mi"));
    private static final long DEADLINE_SECONDS = 3600;
    /**
     * The kubelet learns that a container started or ended by relisting the runtime every second
     * (its PLEG), so a run's end is seen at the next relist and durations fall into two groups
     * about a second apart. Each repetition starts after an untimed random pause of up to one
     * period: without it, a variant's start would keep the same phase against the relist (each
     * repetition starts a fixed time after the previous one ended, itself seen at a relist) and
     * land in one group every time.
     */
    private static final int PLEG_PERIOD_MS = 1000;

    private final Bench bench;
    private final String namespace = KubernetesBench.NAMESPACE;

    PodVsJobBench(Bench bench) {
        this.bench = bench;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One variant: makes one run keyed {@code key}, returns its measurements (ms, by name). */
    private interface Variant {
        Map<String, Double> run(String key);
    }

    void run(int runs) {
        Map<String, Object> kubernetes = new LinkedHashMap<>();
        kubernetes.put("backend", "kubernetes");
        kubernetes.put("default_cpu", 0.2);
        kubernetes.put("kubernetes", Map.of("kubeconfig", KubernetesBench.KUBECONFIG, "namespace", namespace,
                "helper_image", Bench.IMAGE));
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(new File(KubernetesBench.KUBECONFIG))).build();
             ClusterTimeline timeline = new ClusterTimeline(client, namespace);
             WorkflowEngine runner = bench.engine(1, kubernetes)) {
            BareObjects objects = new BareObjects(client, timeline);
            Map<String, Variant> variants = new LinkedHashMap<>();
            variants.put("(a) bare Pod", objects::barePod);
            variants.put("(b) bare Job", objects::bareJob);
            variants.put("(b2) the runner's Job path, bare: paused Job, Secret + NetworkPolicy owned by it, unpause", objects::pausedJob);
            variants.put("(c) Pod path: NetworkPolicy + Secret, Pod, owner references patched to the Pod", objects::podFirst);
            variants.put("(d) run_container through the SPI, backend: kubernetes", key -> runnerTask(runner, timeline));
            Map<String, List<Map<String, Double>>> samples = new LinkedHashMap<>();
            variants.keySet().forEach(v -> samples.put(v, new ArrayList<>()));
            List<String> names = new ArrayList<>(variants.keySet());
            Random phase = new Random(18);
            for (int round = -1; round < runs; round++) { // round -1: warm-up, not counted
                for (int i = 0; i < names.size(); i++) { // rotated: each variant in each position as often
                    String name = names.get(Math.floorMod(i + round, names.size()));
                    String key = "bench-" + UUID.randomUUID().toString().substring(0, 8);
                    pause(phase.nextInt(PLEG_PERIOD_MS));
                    Map<String, Double> sample = variants.get(name).run(key);
                    if (round >= 0) {
                        samples.get(name).add(derive(sample));
                    }
                }
                System.err.printf("round %d of %d done%n", round + 1, runs);
            }
            report(runs, samples);
            bench.out("Objects of the benchmark or the runner left in the namespace afterwards: %d%n%n", objects.left());
        }
    }

    /** (d): the real action, end to end; the cluster-side stages of its Job from the timeline. */
    private Map<String, Double> runnerTask(WorkflowEngine runner, ClusterTimeline timeline) {
        Set<String> before = new HashSet<>(timeline.keys());
        long t0 = System.nanoTime();
        Map<String, Object> result = Bench.invoke(runner, Bench.RUN, Map.of("image", Bench.IMAGE, "command", List.of("true")));
        long t1 = System.nanoTime();
        if (!Long.valueOf(0).equals(((Number) result.getOrDefault("exit_code", -1)).longValue()) || result.get("error") != null) {
            throw new IllegalStateException("run_container failed: " + result);
        }
        String key = "container-runner-" + result.get("container_id");
        if (before.contains(key)) {
            throw new IllegalStateException("job " + key + " was seen before the run");
        }
        timeline.await(key, Stage.POD_DELETED, WAIT);
        timeline.await(key, Stage.JOB_DELETED, WAIT);
        Map<String, Double> m = stages(timeline.seen(key), t0);
        m.put("end to end", ms(t0, t1));
        Long terminated = timeline.seen(key).get(Stage.MAIN_TERMINATED);
        m.put("after main ended", terminated == null ? Double.NaN : ms(terminated, t1));
        BareObjects.settle(key, timeline);
        return m;
    }

    /** The time between stages that one component accounts for, added to {@code m} (ms). */
    static Map<String, Double> derive(Map<String, Double> m) {
        between(m, "Job controller: released → pod created", Stage.JOB_RELEASED, Stage.POD_SEEN);
        between(m, "scheduler: pod created → bound", Stage.POD_SEEN, Stage.POD_SCHEDULED);
        between(m, "kubelet: bound → main ended", Stage.POD_SCHEDULED, Stage.MAIN_TERMINATED);
        between(m, "Job controller: pod Succeeded → Job Complete", Stage.POD_SUCCEEDED, Stage.JOB_COMPLETE);
        if (m.containsKey("end to end") && m.containsKey("kubelet: bound → main ended")) {
            m.put("outside the kubelet (end to end − kubelet)", m.get("end to end") - m.get("kubelet: bound → main ended"));
        }
        return m;
    }

    private static void between(Map<String, Double> m, String name, Stage from, Stage to) {
        if (m.containsKey(from.name()) && m.containsKey(to.name())) {
            m.put(name, m.get(to.name()) - m.get(from.name()));
        }
    }

    /** Each stage reached, in ms since {@code t0}. */
    static Map<String, Double> stages(Map<Stage, Long> seen, long t0) {
        Map<String, Double> m = new LinkedHashMap<>();
        seen.forEach((stage, at) -> m.put(stage.name(), ms(t0, at)));
        return m;
    }

    static double ms(long from, long to) {
        return (to - from) / 1e6;
    }

    // ---------------------------------------------------------------- report

    private void report(int runs, Map<String, List<Map<String, Double>>> samples) {
        String base = "(b2) the runner's Job path, bare: paused Job, Secret + NetworkPolicy owned by it, unpause";
        bench.out("## Kubernetes: Pod vs Job — %d interleaved repetitions of `true` per variant (ms, median / p90)%n%n", runs);
        bench.out("### Create → pod Succeeded (for (d): the action's start → main container ended)%n%n");
        bench.out("| variant | min | median | p90 | max | mean | median ratio to (b2) | mean ratio to (b2) |%n"
                + "|---|---|---|---|---|---|---|---|%n");
        List<Double> baseline = column(samples.get(base), Stage.POD_SUCCEEDED.name());
        for (var e : samples.entrySet()) {
            String metric = e.getKey().startsWith("(d)") ? Stage.MAIN_TERMINATED.name() : Stage.POD_SUCCEEDED.name();
            row(e.getKey(), column(e.getValue(), metric), baseline);
        }
        bench.out("%nEach run (sorted): ");
        samples.forEach((v, list) -> bench.out("%s %s; ", v.substring(0, v.indexOf(')') + 1), column(list,
                v.startsWith("(d)") ? Stage.MAIN_TERMINATED.name() : Stage.POD_SUCCEEDED.name()).stream()
                .map(x -> String.format("%.0f", x)).toList()));
        bench.out("%n");
        bench.out("%n### The whole task: create → result, objects deleted (for (a)–(c) the deletions the runner would make,%n"
                + "awaited until the API server no longer has the objects; for (d) the action's own time)%n%n");
        bench.out("| variant | min | median | p90 | max | mean | median ratio to (b2) | mean ratio to (b2) |%n"
                + "|---|---|---|---|---|---|---|---|%n");
        List<Double> wholeBase = column(samples.get(base), "end to end");
        for (var e : samples.entrySet()) {
            row(e.getKey(), column(e.getValue(), "end to end"), wholeBase);
        }
        bench.out("%n### Where the time goes: each stage first seen by the watch, ms since the first create (median / p90)%n%n");
        List<String> metrics = new ArrayList<>();
        for (Stage s : Stage.values()) {
            metrics.add(s.name());
        }
        metrics.addAll(List.of("delete calls", "after main ended", "end to end", "Job controller: released → pod created",
                "scheduler: pod created → bound", "kubelet: bound → main ended", "Job controller: pod Succeeded → Job Complete",
                "outside the kubelet (end to end − kubelet)"));
        bench.out("| stage |");
        samples.keySet().forEach(v -> bench.out(" %s |", v.substring(0, v.indexOf(')') + 1)));
        bench.out("%n|---|");
        samples.keySet().forEach(v -> bench.out("---|"));
        bench.out("%n");
        for (String metric : metrics) {
            bench.out("| %s |", metric);
            for (var e : samples.entrySet()) {
                List<Double> c = column(e.getValue(), metric);
                bench.out(c.isEmpty() ? " – |" : String.format(" %.0f / %.0f |", quantile(c, 0.5), quantile(c, 0.9)));
            }
            bench.out("%n");
        }
        bench.out("%n");
    }

    private void row(String name, List<Double> ms, List<Double> baseline) {
        double median = quantile(ms, 0.5);
        bench.out("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f× | %.2f× |%n", name, quantile(ms, 0), median, quantile(ms, 0.9),
                quantile(ms, 1), mean(ms), median / quantile(baseline, 0.5), mean(ms) / mean(baseline));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static List<Double> column(List<Map<String, Double>> samples, String metric) {
        List<Double> c = new ArrayList<>();
        for (Map<String, Double> s : samples) {
            Double v = s.get(metric);
            if (v != null && !v.isNaN()) {
                c.add(v);
            }
        }
        c.sort(null);
        return c;
    }

    /** Nearest-rank quantile of sorted {@code values}: q = 0.5 the median, 0.9 the p90, 0 the min, 1 the max. */
    static double quantile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, rank - 1)));
    }

    // ---------------------------------------------------------------- the objects of (a)–(c)

    /** Makes and deletes the objects of variants (a)–(c). */
    private static final class BareObjects {
        private final KubernetesClient client;
        private final ClusterTimeline timeline;
        private final String namespace = KubernetesBench.NAMESPACE;

        BareObjects(KubernetesClient client, ClusterTimeline timeline) {
            this.client = client;
            this.timeline = timeline;
        }

        /**
         * The pod of every variant, as the runner's for {@code true}: one container, no service
         * account token, no service links, a non-root user, limits = requests; {@code secret} adds
         * an environment variable read from the run's Secret (so the pod needs it to start).
         */
        private PodSpec podSpec(String key, boolean secret) {
            PodSpecBuilder spec = new PodSpecBuilder().withRestartPolicy("Never").withTerminationGracePeriodSeconds(10L)
                    .withAutomountServiceAccountToken(false).withEnableServiceLinks(false)
                    .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65534L).withRunAsGroup(65534L).endSecurityContext();
            var container = spec.addNewContainer().withName("main").withImage(Bench.IMAGE).withImagePullPolicy("Never")
                    .withCommand("true").withNewResources().withLimits(RESOURCES).withRequests(RESOURCES).endResources()
                    .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
                    .endCapabilities().endSecurityContext();
            if (secret) {
                container.addNewEnv().withName("RUN_SECRET").withNewValueFrom().withNewSecretKeyRef().withName(key).withKey("value")
                        .endSecretKeyRef().endValueFrom().endEnv();
            }
            return container.endContainer().build();
        }

        private static Map<String, String> labels(String key) {
            return Map.of(ClusterTimeline.KEY_LABEL, key);
        }

        private Job job(String key, int parallelism, boolean secret) {
            return new JobBuilder().withNewMetadata().withName(key).withLabels(labels(key)).endMetadata()
                    .withNewSpec().withParallelism(parallelism).withCompletions(1).withBackoffLimit(0)
                    .withActiveDeadlineSeconds(DEADLINE_SECONDS)
                    .withNewTemplate().withNewMetadata().withLabels(labels(key)).endMetadata()
                    .withSpec(podSpec(key, secret)).endTemplate().endSpec().build();
        }

        private Secret secret(String key, OwnerReference owner) {
            return new SecretBuilder().withNewMetadata().withName(key).withLabels(labels(key))
                    .withOwnerReferences(owner == null ? List.of() : List.of(owner)).endMetadata()
                    .withType("Opaque").withStringData(Map.of("value", "s3cret")).build();
        }

        /** The runner's network-none policy: no rule, nothing in, nothing out. */
        private NetworkPolicy policy(String key, OwnerReference owner) {
            return new NetworkPolicyBuilder().withNewMetadata().withName(key).withLabels(labels(key))
                    .withOwnerReferences(owner == null ? List.of() : List.of(owner)).endMetadata()
                    .withNewSpec().withNewPodSelector().withMatchLabels(labels(key)).endPodSelector()
                    .withPolicyTypes("Ingress", "Egress").endSpec().build();
        }

        private static OwnerReference owner(HasMetadata created) {
            return new OwnerReferenceBuilder().withApiVersion(created.getApiVersion()).withKind(created.getKind())
                    .withName(created.getMetadata().getName()).withUid(created.getMetadata().getUid())
                    .withController(false).withBlockOwnerDeletion(false).build();
        }

        /** (a): a Pod, created directly. */
        Map<String, Double> barePod(String key) {
            long t0 = System.nanoTime();
            client.pods().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata().withName(key).withLabels(labels(key)).endMetadata()
                    .withSpec(podSpec(key, false)).build()).create();
            return finish(key, t0, () -> client.pods().inNamespace(namespace).withName(key).withGracePeriod(0).delete(), false);
        }

        /** (b): a Job that asks for its pod at once. */
        Map<String, Double> bareJob(String key) {
            long t0 = System.nanoTime();
            client.batch().v1().jobs().inNamespace(namespace).resource(job(key, 1, false)).create();
            return finish(key, t0, () -> {
                client.batch().v1().jobs().inNamespace(namespace).withName(key).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                        .delete();
                client.pods().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL, key).withGracePeriod(0).delete();
            }, true);
        }

        /**
         * (b2): what {@code JobControl.create} and {@code deleteRun} do: the Job paused, its Secret
         * and NetworkPolicy owned by it, the Job released; to delete, paused again, deleted (background),
         * its pod once released by the controller manager, then the Secret and the policy.
         */
        Map<String, Double> pausedJob(String key) {
            long t0 = System.nanoTime();
            Job job = client.batch().v1().jobs().inNamespace(namespace).resource(job(key, 0, true)).create();
            OwnerReference owner = owner(job);
            client.secrets().inNamespace(namespace).resource(secret(key, owner)).create();
            client.network().v1().networkPolicies().inNamespace(namespace).resource(policy(key, owner)).create();
            scale(key, 1);
            return finish(key, t0, () -> {
                scale(key, 0);
                client.batch().v1().jobs().inNamespace(namespace).withName(key).withPropagationPolicy(DeletionPropagation.BACKGROUND)
                        .delete();
                awaitReleased(key);
                client.pods().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL, key).withGracePeriod(0).delete();
                client.secrets().inNamespace(namespace).withName(key).delete();
                client.network().v1().networkPolicies().inNamespace(namespace).withName(key).delete();
            }, true);
        }

        /**
         * (c): what a Pod backend would do: the NetworkPolicy and the Secret first (nothing owns them
         * yet), the Pod ({@code activeDeadlineSeconds}, {@code restartPolicy: Never}), then both
         * patched to be owned by the Pod; to delete, the Pod (grace 0), the Secret and the policy.
         */
        Map<String, Double> podFirst(String key) {
            long t0 = System.nanoTime();
            client.network().v1().networkPolicies().inNamespace(namespace).resource(policy(key, null)).create();
            client.secrets().inNamespace(namespace).resource(secret(key, null)).create();
            PodSpec spec = podSpec(key, true);
            spec.setActiveDeadlineSeconds(DEADLINE_SECONDS);
            Pod pod = client.pods().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata().withName(key).withLabels(labels(key)).endMetadata().withSpec(spec).build()).create();
            OwnerReference owner = owner(pod);
            String patch = "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"" + key
                    + "\",\"uid\":\"" + owner.getUid() + "\",\"controller\":false,\"blockOwnerDeletion\":false}]}}";
            client.network().v1().networkPolicies().inNamespace(namespace).withName(key).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            client.secrets().inNamespace(namespace).withName(key).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            Map<String, Double> m = finish(key, t0, () -> {
                client.pods().inNamespace(namespace).withName(key).withGracePeriod(0).delete();
                client.secrets().inNamespace(namespace).withName(key).delete();
                client.network().v1().networkPolicies().inNamespace(namespace).withName(key).delete();
            }, false);
            return m;
        }

        private void scale(String job, int parallelism) {
            client.batch().v1().jobs().inNamespace(namespace).withName(job)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"parallelism\":" + parallelism + "}}");
        }

        /** As {@code JobControl.awaitReleased}: until the run's pods are gone or being deleted (LIST every 100 ms, 5 s at most). */
        private void awaitReleased(String key) {
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (client.pods().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL, key).list().getItems().stream()
                    .anyMatch(p -> p.getMetadata().getDeletionTimestamp() == null) && System.nanoTime() < until) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /**
         * Waits for the pod's success (and the Job's completion), then deletes like the runner and
         * waits until the API server no longer has the pod (and Job): "end to end" is create → gone.
         */
        private Map<String, Double> finish(String key, long t0, Runnable delete, boolean isJob) {
            try {
                timeline.await(key, Stage.POD_SUCCEEDED, WAIT);
                if (isJob) {
                    timeline.await(key, Stage.JOB_COMPLETE, WAIT);
                }
            } catch (RuntimeException e) {
                delete.run();
                throw e;
            }
            long deleting = System.nanoTime();
            delete.run();
            long deleted = System.nanoTime();
            timeline.await(key, Stage.POD_DELETED, WAIT);
            if (isJob) {
                timeline.await(key, Stage.JOB_DELETED, WAIT);
            }
            long gone = System.nanoTime();
            Map<String, Double> m = stages(timeline.seen(key), t0);
            m.put("delete calls", ms(deleting, deleted));
            m.put("after main ended", ms(timeline.seen(key).get(Stage.MAIN_TERMINATED), gone));
            m.put("end to end", ms(t0, gone));
            settle(key, timeline);
            return m;
        }

        /**
         * Untimed, between repetitions: until the node stopped the pod's containers (the kubelet
         * tears them down after the API server let go of the pod), so one repetition's teardown does
         * not slow the next.
         */
        static void settle(String key, ClusterTimeline timeline) {
            String pod = timeline.podName(key);
            for (int i = 0; i < 100; i++) {
                if (Bench.cli("docker", "ps", "-q", "--filter", "label=io.kubernetes.pod.name=" + pod).isBlank()) {
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            System.err.println("the node still runs containers of pod " + pod + " after 10 s");
        }

        /** The benchmark's and the runner's objects still in the namespace. */
        int left() {
            int n = 0;
            n += client.pods().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL).list().getItems().size();
            n += client.batch().v1().jobs().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL).list().getItems().size();
            n += client.secrets().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL).list().getItems().size();
            n += client.network().v1().networkPolicies().inNamespace(namespace).withLabel(ClusterTimeline.KEY_LABEL).list()
                    .getItems().size();
            n += client.pods().inNamespace(namespace).withLabel("dev.containerrunner.attempt").list().getItems().size();
            n += client.batch().v1().jobs().inNamespace(namespace).withLabel("dev.containerrunner.managed-by").list().getItems().size();
            n += client.secrets().inNamespace(namespace).withLabel("dev.containerrunner.managed-by").list().getItems().size();
            n += client.network().v1().networkPolicies().inNamespace(namespace).withLabel("dev.containerrunner.managed-by").list()
                    .getItems().size();
            return n;
        }
    }
}
