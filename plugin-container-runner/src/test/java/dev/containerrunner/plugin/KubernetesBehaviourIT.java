package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.TestContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared backend behaviour on a real Kubernetes cluster (scripts/ensure-k8s.sh). */
class KubernetesBehaviourIT extends BackendContract {

    private KubernetesClient cluster;
    private RunPods runPods;

    @BeforeAll
    void clusterAnswers() {
        KubernetesCluster.client().close();
    }

    @BeforeAll
    void watchTheRunsPods() {
        cluster = KubernetesCluster.client();
        runPods = RunPods.watch(cluster);
    }

    /** Runs before the contract's closeApp (which closes the app again, a no-op, and checks nothing is left). */
    @AfterAll
    void everyRunHadOnlyItsOwnPod() throws InterruptedException {
        try {
            app.close();
            long until = System.currentTimeMillis() + 60_000;
            while (runnerObjects() > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(500);
            }
            assertTrue(runPods.runs() > 0, "the watch saw the runs' pods");
            assertEquals(Map.of(), runPods.runsWithMoreThanOnePod(), "runs whose pod the Job controller replaced");
        } finally {
            runPods.close();
            cluster.close();
        }
    }

    @Override
    protected Map<String, Object> configuration() {
        return KubernetesCluster.configure(commonConfiguration());
    }

    /** A pod has no field for ulimits: refused at validation (see ContainerKnobsContract). */
    @Override
    public boolean ulimitsSupported() {
        return false;
    }

    /** No metrics source on the cluster: usage is null with no_metrics_source (see the README's Resource usage). */
    @Override
    public boolean measuresUsage() {
        return false;
    }

    @Override
    protected int runnerObjects() {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            return KubernetesCluster.runnerObjects(cluster);
        }
    }

    @Override
    protected int runnerObjects(TestContext ctx) {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            return KubernetesCluster.runnerObjects(cluster, ctx);
        }
    }

    @Override
    public Map<String, String> runLabels(String containerId) {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            return cluster.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withName("container-runner-" + containerId)
                    .get().getMetadata().getLabels();
        }
    }

    @Override
    protected boolean listsBeforeReading() {
        return true;
    }
}
