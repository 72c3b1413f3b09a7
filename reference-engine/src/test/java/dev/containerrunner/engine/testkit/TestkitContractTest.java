package dev.containerrunner.engine.testkit;

import dev.containerrunner.spi.TaskApp;
import dev.containerrunner.spi.testing.TaskAppContractTest;
import java.util.Set;

class TestkitContractTest extends TaskAppContractTest {

    @Override
    protected TaskApp newApp() {
        return new TestkitApp();
    }

    @Override
    protected Set<String> expectedActions() {
        return Set.of("echo", "fail", "boom", "sleep", "probe");
    }
}
