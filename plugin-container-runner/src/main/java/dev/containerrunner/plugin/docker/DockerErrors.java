package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The one place where what the Docker engine, docker-java and the socket throw becomes the plugin's
 * typed exceptions: not found is {@link NoSuchContainerException}, any other engine answer
 * {@link ContainerEngineException} with the engine's message, and a failure caused by an
 * {@link IOException} says the engine at the endpoint cannot be reached (or was lost).
 *
 * @apiNote Immutable; safe to share between threads.
 */
final class DockerErrors {

    private final String endpoint;

    /** Errors worded for the engine at {@code endpoint} (e.g. {@code unix:///var/run/docker.sock}). */
    DockerErrors(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Runs {@code body} for {@code operation} and returns its value.
     *
     * @throws NoSuchContainerException when the engine answered 404
     * @throws ContainerEngineException on any other engine answer or transport failure
     */
    <T> T call(String operation, Supplier<T> body) {
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

    /** {@link #call} for a body without a value; throws as it does. */
    void run(String operation, Runnable body) {
        call(operation, () -> {
            body.run();
            return null;
        });
    }

    /** {@code operation} failed outside an engine answer: unreachable when caused by I/O, else the cause's message. */
    ContainerEngineException engineFailure(String operation, Throwable e) {
        return new ContainerEngineException(operation, unreachable(e) ? "cannot reach the Docker engine at " + endpoint
                + " (" + root(e).getMessage() + "); is it running? (scripts/ensure-docker.sh starts one)"
                : "engine at " + endpoint + " failed: " + rootMessage(e), e);
    }

    /** The wait for a container's exit failed; a broken connection is reported as lost while the container ran. */
    ContainerEngineException waitFailure(Throwable e) {
        return unreachable(e)
                ? new ContainerEngineException("wait", "lost the connection to the Docker engine at " + endpoint
                        + " while the container ran (" + root(e).getMessage() + ")", e)
                : engineFailure("wait", e);
    }

    /** A pull of {@code reference} failed: the engine unreachable, or else the registry refused (image not available). */
    ContainerEngineException pullFailure(String reference, RuntimeException e) {
        if (unreachable(e)) {
            return engineFailure("pull " + reference, e);
        }
        return new ImageNotAvailableException(reference, "pull failed (registry error): " + rootMessage(e), e);
    }

    /** The engine did not answer in time; {@code what} says what it did not do (e.g. "did not open the output stream within 30 s"). */
    ContainerEngineException noAnswer(String operation, String what) {
        return new ContainerEngineException(operation, "the engine at " + endpoint + " " + what, null);
    }

    /** A non-2xx HTTP status read straight off the socket: 404 is {@link NoSuchContainerException}. */
    static ContainerEngineException status(String operation, int code, String detail) {
        if (code == 404) {
            return new NoSuchContainerException(operation, detail, null);
        }
        return new ContainerEngineException(operation, "engine answered " + code + ": " + detail, null);
    }

    /**
     * Whether the engine refused a path because it could not resolve a symbolic link in it (a loop,
     * or more links than it follows): {@code evalSymlinksInScope: too many links}.
     */
    static boolean unresolvableLink(ContainerEngineException e) {
        return e.getMessage() != null && e.getMessage().contains("too many links");
    }

    /** Whether {@code e} was caused by the connection to the engine (refused, reset, missing socket). */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** {@code e}'s message, with its root cause appended when the message does not already contain it. */
    static String rootMessage(Throwable e) {
        Throwable t = root(e);
        return t == e || String.valueOf(e.getMessage()).contains(String.valueOf(t.getMessage()))
                ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
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
}
