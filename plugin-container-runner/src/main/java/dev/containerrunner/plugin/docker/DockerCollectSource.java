package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.Admission;
import dev.containerrunner.plugin.execution.CollectGuard;
import dev.containerrunner.plugin.execution.CollectSource;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.Reaper;
import dev.containerrunner.plugin.execution.TreeEntry;
import dev.containerrunner.spi.ActionFailedException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** collect_output's view of the Docker engine: a finished container, read through the archive API ({@link DockerRunFiles}). */
final class DockerCollectSource {

    private DockerCollectSource() {
    }

    /** The Docker engine's containers, read through its archive API. */
    static CollectSource of(Supplier<DockerGateway> gateway, RunnerConfig config, Reaper reaper) {
        return (action, containerId) -> {
            DockerGateway.ContainerState state;
            try {
                state = gateway.get().inspect(containerId);
            } catch (NoSuchContainerException e) {
                throw new ActionFailedException(action, "container " + containerId
                        + " does not exist (it may have been removed after its retention window of "
                        + config.collectRetention().toSeconds() + " s)", e, dev.containerrunner.spi.FailureReason.NOT_FOUND);
            }
            DockerRunFiles files = new DockerRunFiles(gateway, containerId, config.runtime(), () -> gateway.get().volumeMounts(containerId)
                    .stream().filter(dir -> !dir.equals(SecretShim.DIRECTORY)).toList()); // the shim's volume is the runner's, not the run's
            return new CollectSource.Target() {
                @Override
                public Map<String, String> labels() {
                    return state.labels();
                }

                @Override
                public boolean running() {
                    return state.running();
                }

                @Override
                public List<String> runDirectories() {
                    return files.runDirectories();
                }

                @Override
                public Optional<TreeEntry> stat(String path, CollectGuard guard) throws IOException {
                    return files.stat(path, guard);
                }

                @Override
                public CollectSource.Entries entries(String path, Admission admission, CollectGuard guard) throws IOException {
                    return files.entries(path, admission, guard);
                }

                @Override
                public String absenceNote() {
                    return files.absenceNote();
                }

                @Override
                public void release() {
                    reaper.release(state.labels().get(Labels.ATTEMPT));
                }
            };
        };
    }
}
