package dev.containerrunner.plugin.execution;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Classifies what an engine or a kubelet said when a pull failed ({@link FailureReason}) and says
 * it plainly, naming the image, the registry and where the credentials came from (never what they
 * are). Both backends use it: the kubelet's pull errors are the engine's words, wrapped.
 *
 * @apiNote Stateless and thread-safe.
 */
public final class PullErrors {

    // phrases with a space or ": " in them: an image reference (which the messages quote) holds neither
    private static final List<String> AUTH = List.of("unauthorized: ", " unauthorized", "authentication required",
            "no basic auth credentials", "access denied", "access to the resource is denied", "incorrect username or password",
            "status: 401", "status code 401", "status: 403", "status code 403");
    private static final List<String> NOT_FOUND = List.of("manifest unknown", "name unknown", " not found",
            "status: 404", "status code 404", "errimageneverpull: ");
    private static final List<String> UNREACHABLE = List.of("connection refused", "no such host", "i/o timeout", "x509: ",
            "tls: ", "tls handshake", "connection reset", "http request to an https server", "http response to https client",
            "network is unreachable", "no route to host", "dial tcp", ": eof", "unexpected eof", "context deadline exceeded",
            "timeout exceeded", "while waiting for connection", "temporary failure in name resolution", "server misbehaving");

    private PullErrors() {
    }

    /**
     * The class of a pull failure from the engine's (or kubelet's) message, when the words say it;
     * empty for anything else (e.g. a rate limit or a full disk). Authentication is checked first,
     * then not-found, then the transport: Docker Hub answers an anonymous pull of a private or
     * unknown repository with "pull access denied ... does not exist or may require 'docker login'",
     * which is an authentication failure here.
     */
    public static Optional<FailureReason> classify(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (AUTH.stream().anyMatch(m::contains)) {
            return Optional.of(FailureReason.IMAGE_AUTH_FAILED);
        }
        if (NOT_FOUND.stream().anyMatch(m::contains)) {
            return Optional.of(FailureReason.IMAGE_NOT_FOUND);
        }
        if (UNREACHABLE.stream().anyMatch(m::contains)) {
            return Optional.of(FailureReason.REGISTRY_UNREACHABLE);
        }
        return Optional.empty();
    }

    /**
     * The failure of pulling {@code image} from {@code registry}, classified from {@code message}:
     * {@code pull failed: <plain sentence>: <message>}, or {@code pull failed (registry error): <message>}
     * when the words do not say the class.
     *
     * @param credential where the credentials sent came from (e.g. {@code registries[host] password_env TOKEN}),
     *                   empty when none were sent
     * @param message    the engine's words
     */
    public static ImageNotAvailableException failure(String image, String registry, Optional<String> credential,
                                                     String message, Throwable cause) {
        Optional<FailureReason> reason = classify(message);
        return new ImageNotAvailableException(image, reason.orElse(null), reason.map(r -> "pull failed: "
                + plainly(r, registry, credential) + ": " + message).orElse("pull failed (registry error): " + message), cause);
    }

    /** One sentence for {@code reason} naming the registry and the credentials' source. */
    public static String plainly(FailureReason reason, String registry, Optional<String> credential) {
        return switch (reason) {
            case IMAGE_AUTH_FAILED -> credential.map(c -> "registry " + registry + " refused the credentials from " + c)
                    .orElse("registry " + registry + " requires credentials and none are configured for it (registries or"
                            + " docker_config)");
            case IMAGE_NOT_FOUND -> "registry " + registry + " has no such image (unknown repository, tag or digest)";
            case REGISTRY_UNREACHABLE -> "registry " + registry + " cannot be reached (connection, name or TLS failure)";
            case PULL_TIMEOUT -> "the pull from registry " + registry + " did not finish in time";
            default -> "registry " + registry + ": " + reason.wireName(); // not a pull class: never given by classify
        };
    }
}
