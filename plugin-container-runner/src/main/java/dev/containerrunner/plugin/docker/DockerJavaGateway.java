package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.TreeEntry;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.UsageListener;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.plugin.registry.RegistryCredentials;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link DockerGateway} on docker-java with the Apache httpclient5 transport: one client and one
 * connection pool shared by every task of the app. Containers and volumes go through docker-java,
 * images through {@link DockerImages}, the streaming calls through the {@link StreamTransport} chosen
 * when it connects; failures are worded by {@link DockerErrors}; the container's hardening is
 * {@link ContainerHardening}.
 *
 * @apiNote Thread-safe, as {@link DockerGateway} requires.
 */
public final class DockerJavaGateway implements DockerGateway {

    private static final String UNIX_SCHEME = "unix://";

    private final DockerHttpClient http;
    private final DockerClient client;
    private final DockerErrors errors;
    private final StreamTransport streams;
    private final DockerImages images;
    private final PullTask task;
    private final boolean owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DockerJavaGateway(DockerHttpClient http, DockerClient client, DockerErrors errors, StreamTransport streams,
                              DockerImages images, PullTask task, boolean owner) {
        this.http = http;
        this.client = client;
        this.errors = errors;
        this.streams = streams;
        this.images = images;
        this.task = task;
        this.owner = owner;
    }

    /**
     * A gateway to {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock} or
     * {@code tcp://host:2376}); connects lazily, so this does no I/O.
     */
    public static DockerJavaGateway connect(String dockerHost) {
        return connect(dockerHost, RegistryCredentials.none(), Duration.ofSeconds(600));
    }

    /**
     * A gateway to {@code dockerHost} whose pulls send the {@code credentials} configured for the
     * image's registry (and no others: not the process's own Docker config) and last at most
     * {@code pullTimeout}; connects lazily, so this does no I/O.
     */
    public static DockerJavaGateway connect(String dockerHost, RegistryCredentials credentials, Duration pullTimeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .sslConfig(config.getSSLConfig())
                .maxConnections(100)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        DockerClient client = DockerClientImpl.getInstance(config, http);
        DockerErrors errors = new DockerErrors(dockerHost);
        return new DockerJavaGateway(http, client, errors, streamsFor(dockerHost, client, http, errors),
                new DockerImages(client, errors, credentials, pullTimeout), PullTask.NONE, true);
    }

    /**
     * The stream transport for {@code dockerHost}: straight over the socket for a Unix socket,
     * docker-java's own (which TCP and TLS need) otherwise.
     */
    static StreamTransport streamsFor(String dockerHost, DockerClient client, DockerErrors errors) {
        return streamsFor(dockerHost, client, null, errors);
    }

    /** {@link #streamsFor(String, DockerClient, DockerErrors)}, with {@code http} for what docker-java has no command for. */
    static StreamTransport streamsFor(String dockerHost, DockerClient client, DockerHttpClient http, DockerErrors errors) {
        return dockerHost.startsWith(UNIX_SCHEME)
                ? new UnixSocketTransport(Path.of(dockerHost.substring(UNIX_SCHEME.length())), errors)
                : new DockerJavaTransport(client, http, errors);
    }

    @Override
    public ImageInfo ensureImage(String reference, PullPolicy policy) {
        return images.ensure(reference, policy, task);
    }

    @Override
    public ImageConfig imageConfig(String imageId) {
        return images.config(imageId);
    }

    @Override
    public DockerGateway forTask(LogSink log, CancellationSignal cancellation) {
        return new DockerJavaGateway(http, client, errors, streams, images, new PullTask(log, cancellation), false);
    }

    @Override
    public String createVolume(String name, Map<String, String> labels) {
        return errors.call("create volume", () -> client.createVolumeCmd().withName(name).withLabels(labels).exec().getName());
    }

    @Override
    public String createContainer(ContainerSpec spec) {
        return errors.call("create container", FailureReason.START_FAILED,
                () -> ContainerHardening.applyTo(client.createContainerCmd(spec.image()), spec).exec().getId());
    }

    @Override
    public void copyInto(String containerId, String directory, InputStream archive) {
        streams.copyInto(containerId, directory, archive);
    }

    @Override
    public Attachment attachOutput(String containerId, OutputListener listener) {
        return streams.attachOutput(containerId, listener);
    }

    @Override
    public Attachment attachStdin(String containerId, byte[] data) {
        return streams.attachStdin(containerId, data);
    }

    @Override
    public void start(String containerId) {
        errors.call("start container", FailureReason.START_FAILED, () -> client.startContainerCmd(containerId).exec());
    }

    @Override
    public CompletableFuture<Long> awaitExit(String containerId) {
        CompletableFuture<Long> exit = new CompletableFuture<>();
        ResultCallback.Adapter<WaitResponse> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(WaitResponse response) {
                exit.complete(response.getStatusCode() == null ? null : response.getStatusCode().longValue());
            }

            @Override
            public void onError(Throwable throwable) {
                exit.completeExceptionally(errors.waitFailure(throwable));
                super.onError(throwable);
            }

            @Override
            public void onComplete() {
                exit.completeExceptionally(new ContainerEngineException("wait", "the engine ended the wait without an exit code", null));
                super.onComplete();
            }
        };
        errors.call("wait", () -> client.waitContainerCmd(containerId).exec(callback));
        exit.whenComplete((code, error) -> Quietly.close(callback));
        return exit;
    }

    @Override
    public StatsStream streamStats(String containerId, UsageListener listener) {
        return streams.stats(containerId, listener);
    }

    @Override
    public void stop(String containerId, Duration grace) {
        errors.run("stop container", () -> {
            try {
                client.stopContainerCmd(containerId).withTimeout((int) grace.toSeconds()).exec();
            } catch (NotModifiedException e) {
                // already stopped
            }
        });
    }

    @Override
    public void kill(String containerId) {
        errors.run("kill container", () -> {
            try {
                client.killContainerCmd(containerId).exec();
            } catch (ConflictException e) {
                // not running any more
            }
        });
    }

    @Override
    public ContainerState inspect(String containerId) {
        InspectContainerResponse r = errors.call("inspect container", () -> client.inspectContainerCmd(containerId).exec());
        InspectContainerResponse.ContainerState s = r.getState();
        String error = s.getError() == null || s.getError().isEmpty() ? null : s.getError();
        Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of() : r.getConfig().getLabels();
        return new ContainerState(Boolean.TRUE.equals(s.getRunning()), s.getExitCodeLong(), Boolean.TRUE.equals(s.getOOMKilled()),
                error, labels, EngineTime.instant(s.getFinishedAt()));
    }

    @Override
    public InputStream copyOut(String containerId, String path) {
        return streams.copyOut(containerId, path);
    }

    @Override
    public TreeEntry statPath(String containerId, String path) {
        return DockerPathStat.entry(streams, containerId, path);
    }

    @Override
    public List<String> volumeMounts(String containerId) {
        InspectContainerResponse r = errors.call("inspect container", () -> client.inspectContainerCmd(containerId).exec());
        return r.getMounts() == null ? List.of() : r.getMounts().stream().filter(m -> m.getName() != null && m.getDestination() != null)
                .map(m -> m.getDestination().getPath()).toList();
    }

    @Override
    public void removeContainer(String containerId) {
        errors.run("remove container", () -> {
            try {
                client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                // already gone
            }
        });
    }

    @Override
    public void removeVolume(String name) {
        errors.run("remove volume", () -> {
            try {
                client.removeVolumeCmd(name).exec();
            } catch (NotFoundException e) {
                // already gone
            }
        });
    }

    @Override
    public List<ContainerInfo> findContainers(Map<String, String> labels) {
        return errors.call("list containers", () -> client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()
                .stream().map(c -> new ContainerInfo(c.getId(), c.getLabels() == null ? Map.of() : c.getLabels(),
                        "running".equals(c.getState()))).toList());
    }

    @Override
    public List<VolumeInfo> findVolumes(Map<String, String> labels) {
        List<String> filters = new ArrayList<>();
        labels.forEach((k, v) -> filters.add(k + "=" + v));
        return errors.call("list volumes", () -> {
            List<InspectVolumeResponse> vols = client.listVolumesCmd().withFilter("label", filters).exec().getVolumes();
            return vols == null ? List.<VolumeInfo>of() : vols.stream().map(v -> new VolumeInfo(v.getName(),
                    v.getLabels() == null ? Map.<String, String>of() : v.getLabels())).toList();
        });
    }

    @Override
    public int engineCpus() {
        Integer cpus = errors.call("info", () -> client.infoCmd().exec().getNCPU());
        if (cpus == null || cpus < 1) {
            throw new ContainerEngineException("info", "the engine did not report its number of CPUs (NCPU)", null);
        }
        return cpus;
    }

    @Override
    public void close() {
        if (owner && closed.compareAndSet(false, true)) { // a task's view shares the owner's client
            Quietly.close(client);
            Quietly.close(http);
        }
    }
}
