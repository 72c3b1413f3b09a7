package dev.containerrunner.plugin;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The shared backend behaviour on a real Kubernetes cluster (scripts/ensure-k8s.sh). */
class KubernetesBehaviourIT extends BackendContract {

    @BeforeAll
    void clusterAnswers() {
        KubernetesCluster.client().close();
    }

    @Override
    protected Map<String, Object> configuration() {
        return KubernetesCluster.configure(commonConfiguration());
    }

    @Override
    protected int runnerObjects() {
        try (KubernetesClient cluster = KubernetesCluster.client()) {
            return KubernetesCluster.runnerObjects(cluster);
        }
    }
}
