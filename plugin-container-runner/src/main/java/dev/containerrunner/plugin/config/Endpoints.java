package dev.containerrunner.plugin.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Checks the configured addresses ({@code docker_host}, {@code s3.endpoint}) by parsing them as
 * URIs, not by prefix: a port is a number from 1 to 65535 written without leading zeros, a host is
 * present, and nothing rides along (credentials, query, fragment).
 *
 * @apiNote stateless and thread-safe
 */
final class Endpoints {

    private Endpoints() {
    }

    /**
     * Checks a Docker engine address: {@code unix:///path/to/docker.sock}, {@code npipe:////./pipe/name}
     * or {@code tcp://host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static void dockerHost(String text) {
        URI uri = uri(text, "unix:///var/run/docker.sock or tcp://host:2375");
        String scheme = String.valueOf(uri.getScheme());
        if (scheme.equals("unix") || scheme.equals("npipe")) {
            if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getRawAuthority() != null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("must be " + scheme + ":///absolute/path, got '" + text + "'");
            }
            return;
        }
        if (!scheme.equals("tcp")) {
            throw new IllegalArgumentException("must start with unix://, npipe:// or tcp://, got '" + text + "'");
        }
        hostAndPort(uri, text);
    }

    /**
     * Checks an S3 endpoint: an {@code http://} or {@code https://} URL with a host.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static void s3Endpoint(String text) {
        URI uri = uri(text, "https://s3.example.com or http://127.0.0.1:9000");
        if (!List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
            throw new IllegalArgumentException("must be an http:// or https:// URL, got '" + text + "'");
        }
        hostAndPort(uri, text);
    }

    private static URI uri(String text, String example) {
        if (text.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new IllegalArgumentException("must be an address such as " + example + " without spaces or"
                    + " non-ASCII characters, got '" + text + "'");
        }
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an address such as " + example + ", got '" + text + "': "
                    + e.getReason());
        }
    }

    private static void hostAndPort(URI uri, String text) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.contains("@")) {
            throw new IllegalArgumentException("must name a host (and no user or password), got '" + text + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not carry a query or fragment, got '" + text + "'");
        }
        int colon = authority.lastIndexOf(':');
        String host = authority;
        if (colon > authority.lastIndexOf(']')) {
            String port = authority.substring(colon + 1);
            host = authority.substring(0, colon);
            if (!port.matches("[1-9][0-9]{0,4}") || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("has port '" + port + "': a port is a number from 1 to 65535"
                        + " without leading zeros, got '" + text + "'");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("must name a host, got '" + text + "'");
        }
    }
}
