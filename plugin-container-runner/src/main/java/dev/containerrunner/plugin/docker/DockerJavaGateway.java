package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.StreamKind;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.containerrunner.plugin.model.PullPolicy;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@link DockerGateway} on docker-java with the Apache httpclient5 transport: one client and one
 * connection pool shared by every task of the app.
 */
public final class DockerJavaGateway implements DockerGateway {

    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

    private final String endpoint;
    private final DockerHttpClient http;
    private final DockerClient client;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DockerJavaGateway(String endpoint, DockerHttpClient http, DockerClient client) {
        this.endpoint = endpoint;
        this.http = http;
        this.client = client;
    }

    /** A gateway to {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock}); connects lazily. */
    public static DockerJavaGateway connect(String dockerHost) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .sslConfig(config.getSSLConfig())
                .maxConnections(100)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return new DockerJavaGateway(dockerHost, http, DockerClientImpl.getInstance(config, http));
    }

    /**
     * The engine's Unix socket when it is one: streams (attach, archives) then go over it directly,
     * past docker-java's transport; null for TCP engines, which keep the docker-java path.
     */
    private java.nio.file.Path unixSocket() {
        return endpoint.startsWith("unix://") ? java.nio.file.Path.of(endpoint.substring("unix://".length())) : null;
    }

    private <T> T call(String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (NotFoundException e) {
            throw new NoSuchContainerException(operation, message(e), e);
        } catch (DockerException e) {
            throw new ContainerEngineException(operation, message(e), e);
        } catch (RuntimeException e) {
            throw engineFailure(operation, e);
        }
    }

    private ContainerEngineException engineFailure(String operation, Throwable e) {
        return new ContainerEngineException(operation, unreachable(e) ? "cannot reach the Docker engine at " + endpoint
                + " (" + root(e).getMessage() + "); is it running? (scripts/ensure-docker.sh starts one)"
                : "engine at " + endpoint + " failed: " + rootMessage(e), e);
    }

    /** Whether {@code e} was caused by the connection to the engine (refused, reset, missing socket). */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String message(DockerException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().strip();
        return m.replaceFirst("^Status \\d+: ", "");
    }

    static String rootMessage(Throwable e) {
        Throwable t = root(e);
        return t == e || String.valueOf(e.getMessage()).contains(String.valueOf(t.getMessage()))
                ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    @Override
    public ImageInfo ensureImage(String reference, PullPolicy policy) {
        InspectImageResponse image = policy == PullPolicy.ALWAYS ? null : inspectImage(reference);
        boolean pulled = false;
        if (image == null && policy != PullPolicy.NEVER) {
            pull(reference);
            pulled = true;
            image = inspectImage(reference);
        }
        if (image == null) {
            throw new ImageNotAvailableException(reference, policy == PullPolicy.NEVER
                    ? "is not present on the engine and pull_policy is 'never'; build or load it first, or use 'if_not_present'"
                    : "is not present on the engine after pulling", null);
        }
        List<String> digests = image.getRepoDigests() == null ? List.of() : List.copyOf(image.getRepoDigests());
        return new ImageInfo(image.getId(), digests, pulled);
    }

    /** The image, or null when the engine does not have it. */
    private InspectImageResponse inspectImage(String reference) {
        try {
            return client.inspectImageCmd(reference).exec();
        } catch (NotFoundException e) {
            return null;
        } catch (RuntimeException e) {
            throw engineFailure("inspect image " + reference, e);
        }
    }

    private void pull(String reference) {
        PullImageResultCallback callback = new PullImageResultCallback();
        try {
            client.pullImageCmd(reference).exec(callback);
            // awaitCompletion rethrows the first error the engine streamed (e.g. the registry's)
            if (!callback.awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                closeQuietly(callback);
                throw new ImageNotAvailableException(reference, "pull did not finish within " + PULL_TIMEOUT.toMinutes() + " minutes", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(callback);
            throw new ImageNotAvailableException(reference, "pull interrupted", e);
        } catch (ImageNotAvailableException e) {
            throw e;
        } catch (RuntimeException e) {
            if (unreachable(e)) {
                throw engineFailure("pull " + reference, e);
            }
            throw new ImageNotAvailableException(reference, "pull failed (registry error): " + rootMessage(e), e);
        }
    }

    @Override
    public String createVolume(String name, Map<String, String> labels) {
        return call("create volume", () -> client.createVolumeCmd().withName(name).withLabels(labels).exec().getName());
    }

    @Override
    public String createContainer(ContainerSpec spec) {
        List<Mount> mounts = new ArrayList<>();
        for (VolumeMount v : spec.volumes()) {
            mounts.add(new Mount().withType(MountType.VOLUME).withSource(v.volume()).withTarget(v.target()));
        }
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(spec.memoryBytes())
                .withMemorySwap(spec.memoryBytes())
                .withNanoCPUs(spec.nanoCpus())
                .withPidsLimit(spec.pidsLimit())
                .withNetworkMode(spec.networkMode())
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withReadonlyRootfs(spec.readOnlyRootFilesystem())
                .withMounts(mounts);
        if (spec.readOnlyRootFilesystem()) {
            host.withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=64m,mode=1777"));
        }
        if (spec.runtime() != null) {
            host.withRuntime(spec.runtime());
        }
        host.withLogConfig(spec.engineLogs()
                ? new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "1"))
                : new LogConfig(LogConfig.LoggingType.NONE));
        List<String> env = new ArrayList<>();
        spec.environment().forEach((k, v) -> env.add(k + "=" + v));
        CreateContainerCmd cmd = client.createContainerCmd(spec.image())
                .withUser(spec.user())
                .withEnv(env)
                .withLabels(spec.labels())
                .withTty(false)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(spec.openStdin())
                .withStdinOpen(spec.openStdin())
                .withStdInOnce(spec.openStdin())
                .withHostConfig(host);
        if (spec.entrypoint() != null) {
            cmd.withEntrypoint(spec.entrypoint());
        }
        if (spec.cmd() != null && !spec.cmd().isEmpty()) {
            cmd.withCmd(spec.cmd());
        }
        return call("create container", () -> cmd.exec().getId());
    }

    @Override
    public void copyInto(String containerId, String directory, InputStream archive) {
        if (unixSocket() != null) {
            try {
                UnixSocketArchive.put(unixSocket(), containerId, directory, archive);
                return;
            } catch (IOException e) {
                throw engineFailure("copy into " + directory, e);
            }
        }
        call("copy into " + directory, () -> {
            client.copyArchiveToContainerCmd(containerId).withRemotePath(directory).withTarInputStream(archive).exec();
            return null;
        });
    }

    @Override
    public Attachment attachOutput(String containerId, OutputListener listener) {
        if (unixSocket() != null) {
            try {
                return UnixSocketAttach.output(unixSocket(), containerId, listener);
            } catch (IOException e) {
                throw engineFailure("attach", e);
            }
        }
        FrameCallback callback = new FrameCallback(listener);
        call("attach", () -> client.attachContainerCmd(containerId)
                .withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false).exec(callback));
        try {
            if (!callback.awaitStarted(30, TimeUnit.SECONDS)) {
                callback.close();
                throw new ContainerEngineException("attach", "the engine at " + endpoint + " did not open the output stream within 30 s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.close();
            throw new ContainerEngineException("attach", "interrupted", e);
        }
        return callback;
    }

    @Override
    public Attachment attachStdin(String containerId, byte[] data) {
        if (unixSocket() != null) {
            try {
                return UnixSocketAttach.stdin(unixSocket(), containerId, data);
            } catch (IOException e) {
                throw engineFailure("attach stdin", e);
            }
        }
        CountDownLatch consumed = new CountDownLatch(1);
        InputStream in = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                if (n < 0) {
                    consumed.countDown();
                }
                return n;
            }
        };
        FrameCallback callback = new FrameCallback(null);
        call("attach stdin", () -> client.attachContainerCmd(containerId).withStdIn(in).withFollowStream(true).exec(callback));
        // The httpclient5 transport never half-closes stdin (docker-java #1448): once every byte has
        // been handed to the socket, end the attach; with StdinOnce the engine then closes stdin.
        // The copy can finish before the attach reports its start (tiny inputs), and closing an
        // attach that has not started closes nothing: wait for both.
        Thread closer = new Thread(() -> {
            try {
                while (!callback.awaitStarted(200, TimeUnit.MILLISECONDS)) {
                    if (callback.ended()) {
                        return;
                    }
                }
                while (!consumed.await(200, TimeUnit.MILLISECONDS)) {
                    if (callback.ended()) {
                        return;
                    }
                }
                callback.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stdin-closer-" + containerId.substring(0, Math.min(12, containerId.length())));
        closer.setDaemon(true);
        closer.start();
        return new Attachment() {
            @Override
            public boolean awaitEnd(Duration max) {
                return callback.awaitEnd(max);
            }

            @Override
            public void close() {
                closer.interrupt();
                callback.close();
            }
        };
    }

    @Override
    public void start(String containerId) {
        call("start container", () -> {
            client.startContainerCmd(containerId).exec();
            return null;
        });
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
                exit.completeExceptionally(unreachable(throwable)
                        ? new ContainerEngineException("wait", "lost the connection to the Docker engine at " + endpoint
                                + " while the container ran (" + root(throwable).getMessage() + ")", throwable)
                        : engineFailure("wait", throwable));
                super.onError(throwable);
            }

            @Override
            public void onComplete() {
                exit.completeExceptionally(new ContainerEngineException("wait", "the engine ended the wait without an exit code", null));
                super.onComplete();
            }
        };
        call("wait", () -> client.waitContainerCmd(containerId).exec(callback));
        exit.whenComplete((code, error) -> closeQuietly(callback));
        return exit;
    }

    @Override
    public void stop(String containerId, Duration grace) {
        call("stop container", () -> {
            try {
                client.stopContainerCmd(containerId).withTimeout((int) grace.toSeconds()).exec();
            } catch (NotModifiedException e) {
                // already stopped
            }
            return null;
        });
    }

    @Override
    public void kill(String containerId) {
        call("kill container", () -> {
            try {
                client.killContainerCmd(containerId).exec();
            } catch (com.github.dockerjava.api.exception.ConflictException e) {
                // not running any more
            }
            return null;
        });
    }

    @Override
    public ContainerState inspect(String containerId) {
        InspectContainerResponse r = call("inspect container", () -> client.inspectContainerCmd(containerId).exec());
        InspectContainerResponse.ContainerState s = r.getState();
        String error = s.getError() == null || s.getError().isEmpty() ? null : s.getError();
        Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of() : r.getConfig().getLabels();
        return new ContainerState(Boolean.TRUE.equals(s.getRunning()), s.getExitCodeLong(), Boolean.TRUE.equals(s.getOOMKilled()),
                error, labels, instant(s.getFinishedAt()));
    }

    private static java.time.Instant instant(String text) {
        if (text == null || text.isEmpty() || text.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public InputStream copyOut(String containerId, String path) {
        if (unixSocket() != null) {
            try {
                return UnixSocketArchive.get(unixSocket(), containerId, path);
            } catch (IOException e) {
                throw engineFailure("copy " + path + " out", e);
            }
        }
        return call("copy " + path + " out", () -> client.copyArchiveFromContainerCmd(containerId, path).exec());
    }

    @Override
    public void removeContainer(String containerId) {
        call("remove container", () -> {
            try {
                client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                // already gone
            }
            return null;
        });
    }

    @Override
    public void removeVolume(String name) {
        call("remove volume", () -> {
            try {
                client.removeVolumeCmd(name).exec();
            } catch (NotFoundException e) {
                // already gone
            }
            return null;
        });
    }

    @Override
    public List<ContainerInfo> findContainers(Map<String, String> labels) {
        return call("list containers", () -> client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()
                .stream().map(c -> new ContainerInfo(c.getId(), c.getLabels() == null ? Map.of() : c.getLabels(),
                        "running".equals(c.getState()))).toList());
    }

    @Override
    public List<VolumeInfo> findVolumes(Map<String, String> labels) {
        List<String> filters = new ArrayList<>();
        labels.forEach((k, v) -> filters.add(k + "=" + v));
        return call("list volumes", () -> {
            List<InspectVolumeResponse> vols = client.listVolumesCmd().withFilter("label", filters).exec().getVolumes();
            return vols == null ? List.<VolumeInfo>of() : vols.stream().map(v -> new VolumeInfo(v.getName(),
                    v.getLabels() == null ? Map.<String, String>of() : v.getLabels())).toList();
        });
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(client);
            closeQuietly(http);
        }
    }

    /** Waits for {@code latch} up to {@code max}; false on timeout or interruption (the flag is kept). */
    static boolean awaitQuietly(CountDownLatch latch, Duration max) {
        try {
            return latch.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing is best effort; the resource is unusable either way
        }
    }

    /** Routes attach frames to a listener and tracks the attach's end. */
    private static final class FrameCallback extends ResultCallback.Adapter<Frame> implements Attachment {
        private final OutputListener listener;
        private final CountDownLatch ended = new CountDownLatch(1);
        private final AtomicBoolean closing = new AtomicBoolean();

        FrameCallback(OutputListener listener) {
            this.listener = listener;
        }

        @Override
        public void onNext(Frame frame) {
            if (listener == null || frame.getPayload() == null) {
                return;
            }
            StreamType type = frame.getStreamType();
            if (type == StreamType.STDOUT || type == StreamType.RAW) {
                listener.onOutput(StreamKind.STDOUT, frame.getPayload());
            } else if (type == StreamType.STDERR) {
                listener.onOutput(StreamKind.STDERR, frame.getPayload());
            }
        }

        @Override
        public void onError(Throwable throwable) {
            end(closing.get() ? null : throwable);
            super.onError(throwable);
        }

        @Override
        public void onComplete() {
            end(null);
            super.onComplete();
        }

        private void end(Throwable error) {
            if (ended.getCount() > 0) {
                ended.countDown();
                if (listener != null) {
                    listener.onEnd(error);
                }
            }
        }

        boolean ended() {
            return ended.getCount() == 0;
        }

        @Override
        public boolean awaitEnd(Duration max) {
            return awaitQuietly(ended, max);
        }

        @Override
        public void close() {
            closing.set(true);
            try {
                super.close();
            } catch (IOException e) {
                // best effort
            }
            end(null);
        }
    }
}
