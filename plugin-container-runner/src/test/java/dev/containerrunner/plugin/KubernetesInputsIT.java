package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.containerrunner.plugin.execution.TestContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * {@code inputs} on the real cluster ({@link InputsContract}): the runner reads S3 and streams each
 * object into the pod's waiting init container through the exec API, so the pod never reaches the store.
 */
class KubernetesInputsIT extends InputsContract {

    @Override
    protected Map<String, Object> configuration(Map<String, Object> base) {
        return KubernetesCluster.configure(base);
    }

    @Override
    protected int runnerObjects(TestContext ctx) {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            return KubernetesCluster.runnerObjects(cluster, ctx);
        }
    }

    @Override
    protected int settledRunnerObjects(TestContext ctx) throws InterruptedException {
        long until = System.currentTimeMillis() + 60_000;
        while (runnerObjects(ctx) != 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        return runnerObjects(ctx);
    }

    /** The pod's fsGroup sets the setgid bit on every directory of its emptyDir volumes. */
    @Override
    protected String inputDirectoryMode() {
        return "2755";
    }

    @Override
    protected void assertNothingLeft() throws InterruptedException {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            long until = System.currentTimeMillis() + 60_000;
            while (KubernetesCluster.runnerObjects(cluster) > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(500);
            }
            assertEquals(0, KubernetesCluster.runnerObjects(cluster), "runner objects left in the namespace");
        }
    }

    @Override
    protected void assertNothingCreated(List<String> log) {
        assertFalse(log.stream().anyMatch(l -> l.startsWith("created job")), "no Job was created: " + log);
    }
}
