package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.ImageConfig;
import dev.containerrunner.plugin.docker.DockerGateway.VolumeMount;
import dev.containerrunner.plugin.execution.RunSecrets;
import dev.containerrunner.plugin.execution.TarArchives;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.SecretRefs;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Docker run's secrets ({@link SecretShim}): the container's command wrapped in the shim, the
 * shim's volume, the tmpfs at {@value SecretRefs#DIRECTORY}, and the stdin that carries the values
 * ahead of input_data. A run without secrets is left exactly as it was: no shim, no volume, stdin
 * only for input_data.
 *
 * @apiNote Not thread-safe: it belongs to one run.
 */
final class SecretDelivery implements AutoCloseable {

    private final DockerGateway gateway;
    private final RunRequest request;
    private final RunSecrets secrets;
    private List<String> command;
    private String volume;
    private byte[] stdin;

    SecretDelivery(DockerGateway gateway, RunRequest request, RunSecrets secrets) {
        this.gateway = gateway;
        this.request = request;
        this.secrets = secrets;
    }

    /** Whether the run has secrets to deliver. */
    boolean active() {
        return !secrets.isEmpty();
    }

    /**
     * Reads what the resolved image {@code imageId} runs, to wrap it, and checks that the shim runs
     * there; nothing when the run has no secrets.
     *
     * @throws dev.containerrunner.plugin.execution.ContainerEngineException when the image's platform is
     *         not the shim's, it has nothing to run, or the engine fails
     */
    void prepare(String imageId) {
        if (active()) {
            ImageConfig image = gateway.imageConfig(imageId);
            SecretShim.checkPlatform(request.requestedImage(), image);
            command = SecretShim.command(request, image);
            SecretShim.binary();
        }
    }

    /** Creates the shim's volume carrying {@code labels}; its name is in {@link #volumes()} from then on. */
    void createVolume(String attemptId, Map<String, String> labels) {
        if (active()) {
            volume = gateway.createVolume("container-runner-" + attemptId + "-shim", labels);
        }
    }

    /** The volumes this made, to remove with the run's. */
    List<String> volumes() {
        return volume == null ? List.of() : List.of(volume);
    }

    /** The shim's volume mount, after the run's own. */
    List<VolumeMount> mounts() {
        return volume == null ? List.of() : List.of(new VolumeMount(volume, SecretShim.DIRECTORY));
    }

    /** The container's entrypoint: the shim and the command, or the request's command (null: the image's). */
    List<String> entrypoint() {
        return active() ? SecretShim.entrypoint(command) : request.command().orElse(null);
    }

    /** The container's cmd: inside the shim's entrypoint when wrapped, else the request's args (null: the image's). */
    List<String> cmd() {
        return active() || request.args().isEmpty() ? null : request.args();
    }

    /** The tmpfs for the secret files, owned by the run's user; none without files. */
    Map<String, String> tmpfs() {
        return secrets.files().isEmpty() ? Map.of() : Map.of(SecretRefs.DIRECTORY, SecretShim.tmpfsOptions(request.user()));
    }

    /**
     * Whether the engine keeps its own copy of the output ({@code engine_logs}): never for a run with
     * secrets, whose printed values the engine's log file would hold unredacted.
     */
    boolean engineLogs(dev.containerrunner.plugin.config.RunnerConfig config) {
        return config.engineLogs() && !active();
    }

    /** Whether the container needs stdin: input_data, or secrets to carry. */
    boolean opensStdin() {
        return active() || request.inputData().isPresent();
    }

    /** Puts the shim (root's, mode 0555) into its volume of the created container {@code containerId}. */
    void seed(String containerId) {
        if (active()) {
            gateway.copyInto(containerId, SecretShim.DIRECTORY, TarArchives.ownedFiles(0, 0, null,
                    List.of(new TarArchives.Entry(SecretShim.PATH.substring(SecretShim.DIRECTORY.length() + 1),
                            SecretShim.binary(), 0555))));
        }
    }

    /** What to write to the container's stdin: the secrets, then input_data; or input_data alone; empty: no stdin. */
    Optional<byte[]> stdin() {
        if (!active()) {
            return request.inputData();
        }
        stdin = SecretShim.stdin(secrets.files(), secrets.environment(), request.inputData());
        return Optional.of(stdin);
    }

    /** Overwrites the stdin bytes that carried the values. Idempotent. */
    @Override
    public void close() {
        if (stdin != null) {
            Arrays.fill(stdin, (byte) 0);
        }
    }
}
