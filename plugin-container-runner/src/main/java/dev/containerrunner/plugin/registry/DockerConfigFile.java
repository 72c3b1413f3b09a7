package dev.containerrunner.plugin.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code docker_config} file: Docker's standard {@code config.json}, read again at each use so
 * rotated credentials are picked up. For a registry it takes, like the Docker CLI, the credential
 * helper named in {@code credHelpers}, else the {@code credsStore} helper, else the {@code auths}
 * entry ({@code auth} = base64 of {@code user:password}, or {@code username}/{@code password}, or an
 * {@code identitytoken}). Keys are normalised as registry hosts ({@code https://index.docker.io/v1/}
 * is {@code docker.io}). Errors name the file and the key, never a secret.
 *
 * @apiNote Immutable and thread-safe.
 */
public final class DockerConfigFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final String searchPath;

    private DockerConfigFile(Path path, String searchPath) {
        this.path = path;
        this.searchPath = searchPath;
    }

    /**
     * The file at {@code path}, checked now: it parses, its keys are registry hosts, its
     * {@code auths} entries decode and its credential helpers are on the PATH.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static DockerConfigFile check(Path path) {
        return check(path, System.getenv("PATH"));
    }

    /** {@link #check(Path)} with credential helpers looked up in {@code searchPath} instead of the PATH. */
    static DockerConfigFile check(Path path, String searchPath) {
        DockerConfigFile file = new DockerConfigFile(path, searchPath);
        Parsed parsed;
        try {
            parsed = file.parse();
        } catch (CredentialsUnavailableException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        for (Map.Entry<String, JsonNode> e : parsed.auths.entrySet()) {
            try {
                file.fromAuths(e.getKey(), e.getValue());
            } catch (CredentialsUnavailableException bad) {
                throw new IllegalArgumentException(bad.getMessage());
            }
        }
        parsed.helpers.values().forEach(h -> CredentialHelper.locate(h, searchPath).orElseThrow(() ->
                new IllegalArgumentException(path + ": credential helper docker-credential-" + h + " is not on the PATH")));
        parsed.store.ifPresent(h -> CredentialHelper.locate(h, searchPath).orElseThrow(() ->
                new IllegalArgumentException(path + ": credsStore helper docker-credential-" + h + " is not on the PATH")));
        return file;
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /**
     * Where credentials for {@code host} would come from, without reading a secret (a helper is
     * not run); empty when the file has nothing for it.
     *
     * @throws CredentialsUnavailableException when the file cannot be read
     */
    public Optional<String> sourceFor(String host) {
        Parsed p = parse();
        if (p.helpers.containsKey(host)) {
            return Optional.of(source("credHelpers[" + host + "] docker-credential-" + p.helpers.get(host)));
        }
        if (p.store.isPresent()) {
            return Optional.of(source("credsStore docker-credential-" + p.store.get()));
        }
        return p.auths.containsKey(host) ? Optional.of(source("auths[" + host + "]")) : Optional.empty();
    }

    /**
     * The credentials for {@code host}, read now (a helper is run); empty when there are none.
     *
     * @throws CredentialsUnavailableException when the file, an entry or a helper fails
     */
    public Optional<Credential> lookup(String host) {
        Parsed p = parse();
        if (p.helpers.containsKey(host)) {
            String helper = p.helpers.get(host);
            return CredentialHelper.get(helper, searchPath, host,
                    source("credHelpers[" + host + "] docker-credential-" + helper));
        }
        if (p.store.isPresent()) {
            Optional<Credential> stored = CredentialHelper.get(p.store.get(), searchPath, host,
                    source("credsStore docker-credential-" + p.store.get()));
            if (stored.isPresent()) {
                return stored;
            }
        }
        return p.auths.containsKey(host) ? Optional.of(fromAuths(host, p.auths.get(host))) : Optional.empty();
    }

    private String source(String what) {
        return "docker_config " + path + " " + what;
    }

    private Credential fromAuths(String host, JsonNode entry) {
        String src = source("auths[" + host + "]");
        String token = text(entry, "identitytoken");
        if (!token.isEmpty()) {
            return new Credential(host, text(entry, "username"), token, true, src);
        }
        String auth = text(entry, "auth");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new CredentialsUnavailableException(src + ": 'auth' is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0 || colon == decoded.length() - 1) {
                throw new CredentialsUnavailableException(src + ": 'auth' is not base64 of user:password");
            }
            return new Credential(host, decoded.substring(0, colon), decoded.substring(colon + 1), false, src);
        }
        String user = text(entry, "username");
        String password = text(entry, "password");
        if (user.isEmpty() || password.isEmpty()) {
            throw new CredentialsUnavailableException(src + ": needs 'auth', 'username' and 'password', or 'identitytoken'");
        }
        return new Credential(host, user, password, false, src);
    }

    private static String text(JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        return v == null || !v.isTextual() ? "" : v.asText();
    }

    /** The parts of the file the runner uses, keys normalised. */
    private record Parsed(Map<String, JsonNode> auths, Map<String, String> helpers, Optional<String> store) {
    }

    private Parsed parse() {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new CredentialsUnavailableException("docker_config " + path + ": cannot be read as JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new CredentialsUnavailableException("docker_config " + path + ": must be a JSON object");
        }
        Map<String, JsonNode> auths = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(root, "auths")) {
            if (!e.getValue().isObject()) {
                throw new CredentialsUnavailableException(source("auths[" + e.getKey() + "]") + ": must be an object");
            }
            if (e.getValue().size() > 0) { // with a credsStore, auths holds empty markers
                auths.put(host(e.getKey(), "auths"), e.getValue());
            }
        }
        Map<String, String> helpers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries(root, "credHelpers")) {
            helpers.put(host(e.getKey(), "credHelpers"), helperName(e.getValue(), "credHelpers[" + e.getKey() + "]"));
        }
        JsonNode store = root.get("credsStore");
        return new Parsed(auths, helpers, store == null || store.isNull() || store.asText().isEmpty() ? Optional.empty()
                : Optional.of(helperName(store, "credsStore")));
    }

    private Iterable<Map.Entry<String, JsonNode>> entries(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Map.<String, JsonNode>of().entrySet();
        }
        if (!node.isObject()) {
            throw new CredentialsUnavailableException("docker_config " + path + ": '" + field + "' must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        return () -> it;
    }

    private String host(String key, String field) {
        try {
            return RegistryHosts.ofConfigKey(key);
        } catch (IllegalArgumentException e) {
            throw new CredentialsUnavailableException("docker_config " + path + ": " + field + " key " + e.getMessage());
        }
    }

    private String helperName(JsonNode value, String what) {
        String name = value.isTextual() ? value.asText() : "";
        if (!CredentialHelper.validName(name)) {
            throw new CredentialsUnavailableException(source(what) + ": must name a credential helper (letters, digits,"
                    + " '-', '_', '.')");
        }
        return name;
    }
}
