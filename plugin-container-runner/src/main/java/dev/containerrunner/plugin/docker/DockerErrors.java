package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.PullErrors;
import dev.containerrunner.plugin.model.ImageReference;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where what the Docker engine, docker-java and the socket throw becomes the plugin's
 * typed exceptions: not found is {@link NoSuchContainerException}, any other engine answer
 * {@link ContainerEngineException} with the engine's message, and a failure caused by an
 * {@link IOException} says the engine at the endpoint cannot be reached (or was lost).
 *
 * @apiNote Immutable; safe to share between threads.
 */
final class DockerErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS_AND_BODY = Pattern.compile("(Status \\d+: )(\\{.*\\})\\s*", Pattern.DOTALL);

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
        return call(operation, FailureReason.ENGINE_ERROR, body);
    }

    /**
     * {@link #call}, where an engine answer other than 404 is a failure of class {@code refused}
     * (e.g. {@code start_failed} for creating and starting a container: the engine or runtime
     * refused it); a transport failure is still {@code engine_unreachable}.
     */
    <T> T call(String operation, FailureReason refused, Supplier<T> body) {
        try {
            return body.get();
        } catch (NotFoundException e) {
            throw new NoSuchContainerException(operation, message(e), e);
        } catch (DockerException e) {
            throw new ContainerEngineException(operation, message(e), e, refused);
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

    /**
     * {@code operation} failed outside an engine answer: unreachable when caused by I/O
     * ({@code engine_unreachable}), else the cause's message ({@code engine_error}).
     */
    ContainerEngineException engineFailure(String operation, Throwable e) {
        boolean unreachable = unreachable(e);
        return new ContainerEngineException(operation, unreachable ? "cannot reach the Docker engine at " + endpoint
                + " (" + root(e).getMessage() + "); is it running? (scripts/ensure-docker.sh starts one)"
                : "engine at " + endpoint + " failed: " + rootMessage(e), e,
                unreachable ? FailureReason.ENGINE_UNREACHABLE : FailureReason.ENGINE_ERROR);
    }

    /**
     * The wait for a container's exit failed; a broken connection is reported as lost while the
     * container ran ({@code engine_lost}).
     */
    ContainerEngineException waitFailure(Throwable e) {
        return unreachable(e)
                ? new ContainerEngineException("wait", "lost the connection to the Docker engine at " + endpoint
                        + " while the container ran (" + root(e).getMessage() + ")", e, FailureReason.ENGINE_LOST)
                : engineFailure("wait", e);
    }

    /** A pull of {@code reference} failed: the engine unreachable, or else the registry refused (image not available). */
    ContainerEngineException pullFailure(String reference, RuntimeException e) {
        return pullFailure(reference, ImageReference.parse(reference).domain(), Optional.empty(), e);
    }

    /**
     * A pull of {@code reference} from {@code registry} with credentials from {@code credential}
     * (empty: anonymous) failed: the engine unreachable, or else an {@link ImageNotAvailableException}
     * whose {@link dev.containerrunner.plugin.execution.FailureReason} is read from the engine's words
     * ({@link PullErrors}).
     */
    ContainerEngineException pullFailure(String reference, String registry, Optional<String> credential, Throwable e) {
        if (unreachable(e)) {
            return engineFailure("pull " + reference, e);
        }
        return PullErrors.failure(reference, registry, credential, unwrapJson(rootMessage(e)), e);
    }

    /** {@code Status 500: {"message":"X"}} (the engine's JSON error body as docker-java quotes it) as {@code Status 500: X}. */
    static String unwrapJson(String message) {
        Matcher m = STATUS_AND_BODY.matcher(message);
        if (m.matches()) {
            try {
                JsonNode text = JSON.readTree(m.group(2)).get("message");
                if (text != null && text.isTextual()) {
                    return m.group(1) + text.asText();
                }
            } catch (JsonProcessingException e) {
                // not JSON after all: keep it as it is
            }
        }
        return message;
    }

    /** The engine did not answer in time; {@code what} says what it did not do (e.g. "did not open the output stream within 30 s"). */
    ContainerEngineException noAnswer(String operation, String what) {
        return new ContainerEngineException(operation, "the engine at " + endpoint + " " + what, null);
    }

    /** A non-2xx HTTP status read straight off the socket: 404 is {@link NoSuchContainerException}. */
    static ContainerEngineException status(String operation, int code, String detail) {
        if (code == 404) {
            return new NoSuchContainerException(operation, engineMessage(detail), null);
        }
        return new ContainerEngineException(operation, "engine answered " + code + ": " + engineMessage(detail), null);
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
        return engineMessage(m.replaceFirst("^Status \\d+: ", ""));
    }

    /**
     * The engine's own words from an error body: its JSON {@code {"message": "..."}} unwrapped (the
     * engine answers errors in that form, and docker-java passes the body on as it came); any other
     * text as it is.
     */
    static String engineMessage(String body) {
        String text = body.strip();
        if (text.startsWith("{")) {
            try {
                JsonNode message = JSON.readTree(text).get("message");
                if (message != null && message.isTextual() && !message.asText().isBlank()) {
                    return message.asText().strip();
                }
            } catch (JsonProcessingException notJson) {
                return text;
            }
        }
        return text;
    }
}
