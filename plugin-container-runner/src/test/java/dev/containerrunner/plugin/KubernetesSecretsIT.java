package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;

/**
 * Secrets on the real cluster: the Job, its pod and the namespace's Secrets and events, listed while
 * the run is kept, hold no value; the run's Secret is gone once its main container started; the
 * variable is a {@code secretKeyRef}.
 */
class KubernetesSecretsIT extends SecretsContract {

    @Override
    protected Map<String, Object> configuration(Map<String, Object> base) {
        return KubernetesCluster.configure(base);
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
    protected String engineView(String containerId) {
        try (KubernetesClient c = KubernetesCluster.client()) {
            String ns = KubernetesCluster.NAMESPACE;
            Job job = c.batch().v1().jobs().inNamespace(ns).withName("container-runner-" + containerId).get();
            EnvVar env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().equals("CANARY_ENV")).findFirst().orElseThrow();
            assertNull(env.getValue(), "no value in the spec");
            assertEquals("canary_env", env.getValueFrom().getSecretKeyRef().getKey());
            assertNull(c.secrets().inNamespace(ns).withName("container-runner-" + containerId + "-secrets").get(),
                    "the run's Secret is deleted once the main container started");
            assertEquals("canary_env,canary_file", job.getMetadata().getAnnotations().get(Labels.SECRETS));
            String view = Serialization.asJson(c.batch().v1().jobs().inNamespace(ns).list())
                    + Serialization.asJson(c.pods().inNamespace(ns).list())
                    + Serialization.asJson(c.secrets().inNamespace(ns).list())
                    + Serialization.asJson(c.v1().events().inNamespace(ns).list());
            assertTrue(view.contains(containerId), "the view lists the run");
            return view;
        }
    }
}
