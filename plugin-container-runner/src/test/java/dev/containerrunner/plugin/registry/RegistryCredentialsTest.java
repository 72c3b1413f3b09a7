package dev.containerrunner.plugin.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials bound to registry hosts, read at each use, from the configuration's sources only; secrets never shown. */
class RegistryCredentialsTest {

    private static final String SECRET = "s3cr3t-p4ss";

    @TempDir
    Path dir;

    @Test
    void hostsAreNormalisedLikeImageReferences() {
        assertEquals("docker.io", RegistryHosts.normalise("index.docker.io"));
        assertEquals("docker.io", RegistryHosts.normalise("Registry-1.Docker.IO"));
        assertEquals("registry.example.com", RegistryHosts.normalise("Registry.Example.com"));
        assertEquals("127.0.0.1:5443", RegistryHosts.normalise("127.0.0.1:5443"));
        assertEquals("docker.io", RegistryHosts.ofConfigKey("https://index.docker.io/v1/"));
        assertEquals("r.example:5000", RegistryHosts.ofConfigKey("https://r.example:5000"));
        assertEquals("r.example", RegistryHosts.ofConfigKey("r.example/v2/"));
        for (String bad : new String[] {"https://r.example", "r.example/path", "r.example:0", "r.example:99999", "", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> RegistryHosts.normalise(bad), bad);
        }
        assertEquals("https://index.docker.io/v1/", RegistryHosts.serverAddress("docker.io"));
        assertEquals("r.example:5000", RegistryHosts.serverAddress("r.example:5000"));
    }

    @Test
    void aPasswordFileIsReadAtEachUseSoRotationNeedsNoRestart() throws IOException {
        Path file = dir.resolve("pass");
        Files.writeString(file, SECRET + "\n");
        RegistryCredentials creds = new RegistryCredentials(Map.of("r.example",
                new RegistryLogin("r.example", "ci-bot", new PasswordSource.File(file))), Optional.empty());
        Credential first = creds.resolve("r.example").orElseThrow();
        assertEquals("ci-bot", first.username());
        assertEquals(SECRET, first.secret(), "one trailing newline is not part of the password");
        assertEquals("registries[r.example] password_file " + file, first.source());
        Files.writeString(file, "rotated");
        assertEquals("rotated", creds.resolve("r.example").orElseThrow().secret());
        assertEquals(Optional.empty(), creds.resolve("other.example"), "bound to its registry only");
        assertEquals(Optional.of("registries[r.example] password_file " + file), creds.sourceFor("r.example"));
        Files.delete(file);
        CredentialsUnavailableException gone = assertThrows(CredentialsUnavailableException.class,
                () -> creds.resolve("r.example"));
        assertTrue(gone.getMessage().contains("password_file " + file), gone.getMessage());
    }

    @Test
    void aPasswordVariableIsReadAtEachUse() {
        Map<String, String> env = new HashMap<>(Map.of("REGISTRY_TOKEN", SECRET));
        RegistryLogin login = new RegistryLogin("r.example", "ci-bot", new PasswordSource.Env("REGISTRY_TOKEN", env::get));
        assertEquals(SECRET, login.read().secret());
        assertEquals("registries[r.example] password_env REGISTRY_TOKEN", login.source());
        env.put("REGISTRY_TOKEN", "");
        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class, login::read);
        assertEquals("registries[r.example] password_env REGISTRY_TOKEN: the environment variable is not set or empty",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PasswordSource.Env("1BAD"));
        assertThrows(IllegalArgumentException.class, () -> new RegistryLogin("r.example", "a:b", new PasswordSource.Env("X")));
        assertThrows(IllegalArgumentException.class, () -> new RegistryLogin("r.example", "", new PasswordSource.Env("X")));
    }

    @Test
    void secretsNeverAppearInDescriptions() {
        Credential c = new Credential("r.example", "ci-bot", SECRET, false, "registries[r.example] password_env T");
        assertFalse(c.toString().contains(SECRET), c.toString());
        RegistryCredentials creds = new RegistryCredentials(Map.of("r.example",
                new RegistryLogin("r.example", "ci-bot", new PasswordSource.Env("T", n -> SECRET))), Optional.empty());
        assertFalse(creds.toString().contains(SECRET));
        assertFalse(creds.logins().toString().contains(SECRET));
    }

    @Test
    void aDockerConfigFileGivesAuthsEntriesByNormalisedHost() throws IOException {
        String auth = Base64.getEncoder().encodeToString(("alice:" + SECRET).getBytes(StandardCharsets.UTF_8));
        Path config = write("{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" + auth + "\"},"
                + " \"r.example:5000\": {\"username\": \"bob\", \"password\": \"" + SECRET + "\"},"
                + " \"token.example\": {\"identitytoken\": \"tok\"}}, \"psFormat\": \"table\"}");
        DockerConfigFile file = DockerConfigFile.check(config, "");
        Credential hub = file.lookup("docker.io").orElseThrow();
        assertEquals("alice", hub.username());
        assertEquals(SECRET, hub.secret());
        assertEquals("docker_config " + config + " auths[docker.io]", hub.source());
        assertEquals("bob", file.lookup("r.example:5000").orElseThrow().username());
        assertTrue(file.lookup("token.example").orElseThrow().identityToken());
        assertEquals(Optional.empty(), file.lookup("elsewhere.example"));
        assertEquals(Optional.of("docker_config " + config + " auths[r.example:5000]"), file.sourceFor("r.example:5000"));
    }

    @Test
    void aBrokenDockerConfigFileIsRefusedNamingTheFileNotTheSecret() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> DockerConfigFile.check(dir.resolve("missing.json"), ""));
        assertThrows(IllegalArgumentException.class, () -> DockerConfigFile.check(write("not json"), ""));
        assertThrows(IllegalArgumentException.class, () -> DockerConfigFile.check(write("[]"), ""));
        IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class,
                () -> DockerConfigFile.check(write("{\"auths\": {\"r.example\": {\"auth\": \"" + SECRET + "!\"}}}"), ""));
        assertFalse(notBase64.getMessage().contains(SECRET), notBase64.getMessage());
        assertTrue(notBase64.getMessage().contains("auths[r.example]"), notBase64.getMessage());
        IllegalArgumentException noHelper = assertThrows(IllegalArgumentException.class,
                () -> DockerConfigFile.check(write("{\"credHelpers\": {\"r.example\": \"nowhere\"}}"), dir.toString()));
        assertTrue(noHelper.getMessage().contains("docker-credential-nowhere is not on the PATH"), noHelper.getMessage());
    }

    @Test
    void credentialHelpersRunAsTheDockerCliRunsThem() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // a real helper process: reads the server address on stdin, answers JSON; "<token>" means an identity token
        helper(bin, "test", "read url; case \"$url\" in"
                + " r.example) echo '{\"ServerURL\":\"r.example\",\"Username\":\"ci\",\"Secret\":\"" + SECRET + "\"}';;"
                + " https://index.docker.io/v1/) echo '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"tok\"}';;"
                + " *) echo 'credentials not found in native keychain'; exit 1;; esac");
        Path config = write("{\"credHelpers\": {\"r.example\": \"test\", \"docker.io\": \"test\", \"none.example\": \"test\"}}");
        DockerConfigFile file = DockerConfigFile.check(config, bin.toString());
        Credential c = file.lookup("r.example").orElseThrow();
        assertEquals("ci", c.username());
        assertEquals(SECRET, c.secret());
        assertEquals("docker_config " + config + " credHelpers[r.example] docker-credential-test", c.source());
        assertTrue(file.lookup("docker.io").orElseThrow().identityToken());
        assertEquals(Optional.empty(), file.lookup("none.example"));
        assertEquals(Optional.of("docker_config " + config + " credHelpers[r.example] docker-credential-test"),
                file.sourceFor("r.example"));

        helper(bin, "broken", "echo '" + SECRET + "'; exit 3");
        DockerConfigFile broken = DockerConfigFile.check(write("{\"credsStore\": \"broken\"}"), bin.toString());
        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
                () -> broken.lookup("r.example"));
        assertTrue(e.getMessage().contains("the helper failed with exit code 3"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), "a helper's output is never quoted");
    }

    private Path write(String json) throws IOException {
        Path p = Files.createTempFile(dir, "config", ".json");
        Files.writeString(p, json);
        return p;
    }

    private static void helper(Path bin, String name, String script) throws IOException {
        Path exe = bin.resolve("docker-credential-" + name);
        Files.writeString(exe, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
