package dev.containerrunner.plugin.registry;

import dev.containerrunner.plugin.model.ImageReference;
import java.net.URI;
import java.util.Locale;

/**
 * Registry host names as the runner compares them: the registry part of an image reference,
 * normalised like {@link ImageReference#domain()} ({@code docker.io} for Docker Hub, with
 * {@code index.docker.io} and {@code registry-1.docker.io} as its aliases; lower case; the port
 * kept). Configuration keys and Docker config file keys are normalised the same way, so a
 * credential is bound to exactly the registry a reference names.
 */
public final class RegistryHosts {

    /** The server address Docker's own tools use as the key for Docker Hub in config.json. */
    public static final String DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";

    private RegistryHosts() {
    }

    /**
     * {@code host} ({@code HOST[:PORT]}) normalised.
     *
     * @throws IllegalArgumentException when it is not a registry host (a scheme, a path, a bad port)
     */
    public static String normalise(String host) {
        if (host == null || host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("'" + host + "' is not a registry host (HOST or HOST:PORT, e.g."
                    + " registry.example.com or 127.0.0.1:5443)");
        }
        try {
            return ImageReference.parse(host + "/x").domain();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + host + "' is not a registry host (HOST or HOST:PORT, e.g."
                    + " registry.example.com or 127.0.0.1:5443)");
        }
    }

    /**
     * A key of a Docker config file's {@code auths} or {@code credHelpers}, which may be a URL
     * ({@code https://index.docker.io/v1/}), normalised as a host.
     *
     * @throws IllegalArgumentException when it names no registry host
     */
    public static String ofConfigKey(String key) {
        String k = key.strip();
        if (k.contains("://")) {
            URI uri = URI.create(k);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("'" + key + "' names no registry host");
            }
            k = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } else if (k.contains("/")) {
            k = k.substring(0, k.indexOf('/'));
        }
        return normalise(k.toLowerCase(Locale.ROOT));
    }

    /** The server address to hand to credential helpers and kubelets for {@code host}. */
    public static String serverAddress(String host) {
        return ImageReference.DEFAULT_DOMAIN.equals(host) ? DOCKER_HUB_CONFIG_KEY : host;
    }
}
