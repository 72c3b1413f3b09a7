package dev.containerrunner.plugin;

import dev.containerrunner.spi.TaskApp;
import dev.containerrunner.spi.testing.TaskAppContractTest;
import java.util.Set;

class ContainerRunnerAppContractTest extends TaskAppContractTest {

    @Override
    protected TaskApp newApp() {
        return new ContainerRunnerApp();
    }

    @Override
    protected Set<String> expectedActions() {
        return Set.of("run_container", "run_with_input", "collect_output");
    }
}
