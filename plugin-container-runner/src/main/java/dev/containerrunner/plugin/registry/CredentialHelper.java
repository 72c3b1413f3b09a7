package dev.containerrunner.plugin.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a Docker credential helper ({@code docker-credential-NAME get}, found on the PATH, started
 * directly without a shell) the way the Docker CLI does: the server address on stdin, a JSON
 * {@code {ServerURL, Username, Secret}} on stdout; a {@code Username} of {@code <token>} means the
 * secret is an identity token. Bounded by {@link #TIMEOUT}. Its output is never logged or quoted.
 */
final class CredentialHelper {

    /** The longest a helper may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_OUTPUT = 1 << 15;

    private CredentialHelper() {
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The helper's executable in {@code searchPath} (a PATH-style list of directories), if there is one. */
    static Optional<Path> locate(String name, String searchPath) {
        String path = searchPath;
        if (path == null || !validName(name)) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "docker-credential-" + name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The credentials helper {@code name} (found in {@code searchPath}) has for {@code host}; empty
     * when it has none ("credentials not found").
     *
     * @throws CredentialsUnavailableException when the helper is missing, fails or answers nonsense
     */
    static Optional<Credential> get(String name, String searchPath, String host, String source) {
        Path exe = locate(name, searchPath).orElseThrow(() -> new CredentialsUnavailableException(source + ": docker-credential-" + name
                + " is not on the PATH"));
        Process process;
        try {
            process = new ProcessBuilder(List.of(exe.toString(), "get")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new CredentialsUnavailableException(source + ": cannot start the helper (" + e.getMessage() + ")");
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(RegistryHosts.serverAddress(host).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // it exited without reading its input: its exit code and output below say what happened
            }
            // its answer is small: it fits the pipe, so waiting first cannot block the helper
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new CredentialsUnavailableException(source + ": the helper did not finish within " + TIMEOUT.toSeconds()
                        + " s");
            }
            byte[] out;
            try (InputStream stdout = process.getInputStream()) {
                out = stdout.readNBytes(MAX_OUTPUT);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                if (text.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new CredentialsUnavailableException(source + ": the helper failed with exit code " + process.exitValue());
            }
            return Optional.of(parse(text, host, source));
        } catch (IOException e) {
            throw new CredentialsUnavailableException(source + ": talking to the helper failed (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialsUnavailableException(source + ": interrupted while the helper ran");
        } finally {
            process.destroyForcibly();
        }
    }

    private static Credential parse(String text, String host, String source) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            throw new CredentialsUnavailableException(source + ": the helper's answer is not JSON");
        }
        String user = node == null || node.get("Username") == null ? "" : node.get("Username").asText();
        String secret = node == null || node.get("Secret") == null ? "" : node.get("Secret").asText();
        if (secret.isEmpty()) {
            throw new CredentialsUnavailableException(source + ": the helper's answer has no Secret");
        }
        boolean token = "<token>".equals(user);
        return new Credential(host, token ? "" : user, secret, token, source);
    }
}
