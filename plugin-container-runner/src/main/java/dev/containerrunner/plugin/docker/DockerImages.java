package dev.containerrunner.plugin.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.containerrunner.plugin.docker.DockerGateway.ImageInfo;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.PullErrors;
import dev.containerrunner.plugin.model.ImageReference;
import dev.containerrunner.plugin.model.PullPolicy;
import dev.containerrunner.plugin.registry.Credential;
import dev.containerrunner.plugin.registry.CredentialsUnavailableException;
import dev.containerrunner.plugin.registry.RegistryCredentials;
import dev.containerrunner.plugin.registry.RegistryHosts;
import dev.containerrunner.spi.CancellationSignal;
import dev.containerrunner.spi.LogSink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes an image available on the engine under a pull policy (inspect, pull when allowed, inspect
 * again) and says what it resolved to. A pull sends the credentials configured for the image's
 * registry ({@link RegistryCredentials}, read at each pull; never the process's own Docker config),
 * is bounded by {@code pull_timeout_seconds}, reports progress to the task log at most every 2 s
 * ({@link PullProgress}) and is shared: tasks that need an image another task is pulling wait for
 * that pull ({@link SharedPull}) instead of starting their own.
 *
 * @apiNote Thread-safe: one instance serves every task of the gateway.
 */
final class DockerImages {

    private final DockerClient client;
    private final DockerErrors errors;
    private final RegistryCredentials credentials;
    private final Duration pullTimeout;
    private final ConcurrentHashMap<String, SharedPull> inFlight = new ConcurrentHashMap<>();

    /** Images of the engine behind {@code client}, pulled with {@code credentials} within {@code pullTimeout}. */
    DockerImages(DockerClient client, DockerErrors errors, RegistryCredentials credentials, Duration pullTimeout) {
        this.client = client;
        this.errors = errors;
        this.credentials = credentials;
        this.pullTimeout = pullTimeout;
    }

    /**
     * The image {@code reference} (canonical) resolves to, pulled first when {@code policy} asks or
     * allows it, for {@code task}.
     *
     * @throws ImageNotAvailableException when it is absent and must not be pulled, the pull failed
     *     (with its {@link FailureReason} when known), took longer than the pull timeout, or the task
     *     was cancelled while waiting for it
     * @throws ContainerEngineException when the engine failed or could not be reached
     */
    ImageInfo ensure(String reference, PullPolicy policy, PullTask task) {
        InspectImageResponse image = policy == PullPolicy.ALWAYS ? null : inspect(reference);
        boolean pulled = false;
        if (image == null && policy != PullPolicy.NEVER) {
            pull(reference, task);
            pulled = true;
            image = inspect(reference);
        }
        if (image == null) {
            throw policy == PullPolicy.NEVER
                    ? new ImageNotAvailableException(reference, FailureReason.IMAGE_NOT_FOUND, "is not present on the engine"
                            + " and pull_policy is 'never'; build or load it first, or use 'if_not_present'", null)
                    : new ImageNotAvailableException(reference, "is not present on the engine after pulling", null);
        }
        List<String> digests = image.getRepoDigests() == null ? List.of() : List.copyOf(image.getRepoDigests());
        return new ImageInfo(image.getId(), digests, pulled);
    }

    /**
     * What the local image {@code imageId} runs (its entrypoint and cmd, empty when unset) and for
     * which platform.
     *
     * @throws NoSuchContainerException when the engine does not have it
     * @throws ContainerEngineException when the engine failed or could not be reached
     */
    DockerGateway.ImageConfig config(String imageId) {
        InspectImageResponse image = inspect(imageId);
        if (image == null) {
            throw new NoSuchContainerException("inspect image " + imageId, "the engine does not have it", null);
        }
        ContainerConfig c = image.getConfig();
        List<String> entrypoint = c == null || c.getEntrypoint() == null ? List.of() : List.of(c.getEntrypoint());
        List<String> cmd = c == null || c.getCmd() == null ? List.of() : List.of(c.getCmd());
        return new DockerGateway.ImageConfig(entrypoint, cmd, image.getArch(), image.getOs());
    }

    /** The image, or null when the engine does not have it. */
    private InspectImageResponse inspect(String reference) {
        try {
            return client.inspectImageCmd(reference).exec();
        } catch (NotFoundException e) {
            return null;
        } catch (RuntimeException e) {
            throw errors.engineFailure("inspect image " + reference, e);
        }
    }

    /** Pulls {@code reference}, or waits for the pull of it another task started. */
    private void pull(String reference, PullTask task) {
        String registry = ImageReference.parse(reference).domain();
        while (true) {
            SharedPull fresh = new SharedPull();
            SharedPull shared = inFlight.putIfAbsent(reference, fresh);
            if (shared == null) {
                fresh.join(task.log());
                start(fresh, reference, registry, task.log());
                await(fresh, reference, registry, task);
                return;
            }
            if (shared.join(task.log())) {
                task.log().line(LogSink.Stream.SYSTEM, "waiting for the pull of " + reference + " another task started");
                await(shared, reference, registry, task);
                return;
            }
            inFlight.remove(reference, shared); // stopped just now: start a new one
        }
    }

    private void start(SharedPull shared, String reference, String registry, LogSink log) {
        shared.done().whenComplete((v, e) -> inFlight.remove(reference, shared));
        shared.done().orTimeout(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
        Optional<Credential> credential;
        try {
            credential = credentials.resolve(registry);
        } catch (CredentialsUnavailableException e) {
            shared.finish(e);
            return;
        }
        shared.credentialSource(credential.map(Credential::source));
        log.line(LogSink.Stream.SYSTEM, "pulling " + reference + " from registry " + registry
                + credential.map(c -> " with credentials from " + c.source()).orElse(" anonymously"));
        Progress callback = new Progress(shared, new PullProgress(reference, System::nanoTime));
        try {
            shared.streaming(client.pullImageCmd(reference).withAuthConfig(credential.map(DockerImages::auth).orElse(null))
                    .exec(callback));
        } catch (RuntimeException e) {
            shared.finish(e);
        }
    }

    /**
     * The engine's form of {@code credential} (sent per request as {@code X-Registry-Auth}; docker-java's
     * {@code AuthConfig.toString} leaves the password out).
     */
    static AuthConfig auth(Credential credential) {
        AuthConfig auth = new AuthConfig().withRegistryAddress(RegistryHosts.serverAddress(credential.registry()));
        return credential.identityToken() ? auth.withIdentityToken(credential.secret())
                : auth.withUsername(credential.username()).withPassword(credential.secret());
    }

    /** Waits for {@code shared} to end, or for the task to be cancelled; throws what the pull failed with. */
    private void await(SharedPull shared, String reference, String registry, PullTask task) {
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        boolean finished = false;
        try (CancellationSignal.Registration r = task.cancellation().onCancel(() -> cancelled.complete(null))) {
            CompletableFuture.anyOf(shared.done(), cancelled).exceptionally(e -> null).get();
            finished = shared.done().isDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the wait swallows failures", e);
        } finally {
            shared.leave(task.log()); // the last task to leave an unfinished pull stops it
        }
        if (!finished) {
            throw new ImageNotAvailableException(reference, "stopped waiting for the pull: the task was cancelled (or its"
                    + " thread interrupted) while the image was being pulled", null);
        }
        Throwable failure = shared.done().handle((v, e) -> e).join();
        if (failure != null) {
            throw translate(failure, reference, registry, shared);
        }
    }

    /** What a waiting task throws for the pull's {@code failure}: a new exception per task, the failure as cause. */
    private RuntimeException translate(Throwable failure, String reference, String registry, SharedPull shared) {
        if (failure instanceof TimeoutException) {
            return new ImageNotAvailableException(reference, FailureReason.PULL_TIMEOUT, "pull failed: "
                    + PullErrors.plainly(FailureReason.PULL_TIMEOUT, registry, shared.credentialSource()) + " (pull_timeout_seconds "
                    + pullTimeout.toSeconds() + "); it was stopped", failure);
        }
        if (failure instanceof CredentialsUnavailableException) {
            return new ImageNotAvailableException(reference, FailureReason.IMAGE_AUTH_FAILED, "pull failed: the credentials"
                    + " for registry " + registry + " cannot be read: " + failure.getMessage(), failure);
        }
        if (failure instanceof SharedPull.Stopped) {
            return new ImageNotAvailableException(reference, failure.getMessage(), failure);
        }
        return errors.pullFailure(reference, registry, shared.credentialSource(), failure);
    }

    /** docker-java's pull callback (which judges the end: the last message must say success), feeding the shared pull. */
    private static final class Progress extends PullImageResultCallback {
        private final SharedPull shared;
        private final PullProgress progress;
        private volatile boolean failed;

        Progress(SharedPull shared, PullProgress progress) {
            this.shared = shared;
            this.progress = progress;
        }

        @Override
        public void onNext(PullResponseItem item) {
            super.onNext(item);
            progress.update(item).ifPresent(shared::log);
        }

        /** Ends the pull with the engine's error; not logged here (docker-java would log it at ERROR): the task reports it. */
        @Override
        public void onError(Throwable throwable) {
            failed = true;
            shared.finish(throwable);
            Quietly.close(this);
        }

        @Override
        public void onComplete() {
            super.onComplete();
            if (failed) {
                return;
            }
            try {
                throwFirstError();
            } catch (RuntimeException e) {
                shared.finish(e);
                return;
            }
            shared.log("pull finished in " + shared.seconds() + " s: " + progress.summary());
            shared.finish(null);
        }
    }
}
