package dev.containerrunner.plugin;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import java.util.Map;

/** The shared backend behaviour on the real Docker engine. */
class DockerBehaviourIT extends BackendContract {

    @Override
    protected Map<String, Object> configuration() {
        Map<String, Object> c = commonConfiguration();
        c.put("pids_limit", 64);
        return c;
    }

    @Override
    protected int runnerObjects() {
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            return g.findContainers(Labels.ownedByThisProcess()).size() + g.findVolumes(Labels.ownedByThisProcess()).size();
        }
    }

    @Override
    protected int runnerObjects(TestContext ctx) {
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            return CallObjects.docker(g, ctx);
        }
    }

    @Override
    public Map<String, String> runLabels(String containerId) {
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            return g.inspect(containerId).labels();
        }
    }

    @Override
    protected boolean listsBeforeReading() {
        return false;
    }
}
