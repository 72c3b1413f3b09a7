package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeMount;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.InputFile;
import dev.containerrunner.plugin.model.RunRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-run volumes of one attempt: one for each directory that input_file, output_file and
 * writable_dirs name, created before the container, then made the container user's and seeded
 * with input_file once the container exists. Remembers what it created, for removal.
 *
 * @apiNote Not thread-safe: it belongs to one run.
 */
final class RunVolumes {

    private final DockerGateway gateway;
    private final RunnerConfig config;
    private final RunRequest request;
    private final List<String> created = new ArrayList<>();
    private final Map<String, String> byDirectory = new LinkedHashMap<>();

    /** The volumes {@code request} needs, under {@code config}'s user and root filesystem. Does no I/O. */
    RunVolumes(DockerGateway gateway, RunnerConfig config, RunRequest request) {
        this.gateway = gateway;
        this.config = config;
        this.request = request;
    }

    /**
     * Creates one volume per directory, named after {@code attemptId} and carrying {@code labels}.
     * Those created before a failure are in {@link #created()} all the same.
     *
     * @throws ContainerEngineException when the engine refused a volume or cannot be reached
     */
    void create(String attemptId, Map<String, String> labels) {
        for (String dir : directories(request)) {
            String name = "container-runner-" + attemptId + "-" + created.size();
            created.add(gateway.createVolume(name, labels));
            byDirectory.put(dir, name);
        }
    }

    /** The names of the volumes created so far, to remove when the run ends. */
    List<String> created() {
        return List.copyOf(created);
    }

    /** Where each created volume is mounted, in directory order. */
    List<VolumeMount> mounts() {
        List<VolumeMount> mounts = new ArrayList<>();
        byDirectory.forEach((dir, volume) -> mounts.add(new VolumeMount(volume, dir)));
        return mounts;
    }

    /** Directories mounted from per-run volumes: those of input_file and output_file, and writable_dirs. */
    static List<String> directories(RunRequest request) {
        return request.runDirectories();
    }

    /**
     * Makes each mounted directory of {@code containerId} (created, not started) owned by the run's
     * user, so it can write output there, and puts input_file in place. The owner of a
     * directory can only be set from its parent; under a read-only root filesystem the parent cannot
     * be written, so there the output file is created empty, owned by the user, and must be written
     * in place.
     *
     * @throws ContainerEngineException when a copy into the container failed
     */
    void seed(String containerId) {
        int[] ids = userIds();
        for (String dir : byDirectory.keySet()) {
            List<TarArchives.Entry> files = new ArrayList<>();
            request.inputFile().filter(f -> f.path().parent().equals(dir))
                    .ifPresent(f -> files.add(new TarArchives.Entry(f.path().fileName(), f.content())));
            ContainerPath mount = new ContainerPath(dir);
            if (config.readOnlyRootFilesystem()) {
                request.outputFile().filter(o -> o.parent().equals(dir) && request.inputFile().map(InputFile::path)
                                .filter(o::equals).isEmpty())
                        .ifPresent(o -> files.add(new TarArchives.Entry(o.fileName(), new byte[0])));
                gateway.copyInto(containerId, dir, TarArchives.ownedFiles(ids[0], ids[1], null, files));
            } else {
                gateway.copyInto(containerId, mount.parent(), TarArchives.ownedFiles(ids[0], ids[1], mount.fileName(), files));
            }
        }
    }

    /** The run's user as {uid, gid}. */
    private int[] userIds() {
        return new int[] {request.user().uid(), request.user().gid()};
    }
}
