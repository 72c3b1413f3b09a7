package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.ImageInfo;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.model.PullPolicy;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes an image available on the engine under a pull policy (inspect, pull when allowed, inspect
 * again) and says what it resolved to.
 *
 * @apiNote Thread-safe: concurrent pulls of one image are the engine's to merge.
 */
final class DockerImages {

    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);

    private final DockerClient client;
    private final DockerErrors errors;

    /** Images of the engine behind {@code client}, failures worded by {@code errors}. */
    DockerImages(DockerClient client, DockerErrors errors) {
        this.client = client;
        this.errors = errors;
    }

    /**
     * The image {@code reference} resolves to, pulled first when {@code policy} asks or allows it.
     *
     * @throws ImageNotAvailableException when it is absent and must not be pulled, the registry
     *     refused the pull, or the pull took longer than 30 minutes
     * @throws ContainerEngineException when the engine failed or could not be reached
     */
    ImageInfo ensure(String reference, PullPolicy policy) {
        InspectImageResponse image = policy == PullPolicy.ALWAYS ? null : inspect(reference);
        boolean pulled = false;
        if (image == null && policy != PullPolicy.NEVER) {
            pull(reference);
            pulled = true;
            image = inspect(reference);
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
    private InspectImageResponse inspect(String reference) {
        try {
            return client.inspectImageCmd(reference).exec();
        } catch (NotFoundException e) {
            return null;
        } catch (RuntimeException e) {
            throw errors.engineFailure("inspect image " + reference, e);
        }
    }

    private void pull(String reference) {
        PullImageResultCallback callback = new PullImageResultCallback();
        try {
            client.pullImageCmd(reference).exec(callback);
            // awaitCompletion rethrows the first error the engine streamed (e.g. the registry's)
            if (!callback.awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                Quietly.close(callback);
                throw new ImageNotAvailableException(reference, "pull did not finish within " + PULL_TIMEOUT.toMinutes() + " minutes", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Quietly.close(callback);
            throw new ImageNotAvailableException(reference, "pull interrupted", e);
        } catch (ImageNotAvailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw errors.pullFailure(reference, e);
        }
    }
}
