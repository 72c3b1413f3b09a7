package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import dev.containerrunner.plugin.registry.Credential;
import org.junit.jupiter.api.Test;

/**
 * What docker-java is given for a pull: the configured credential as an AuthConfig whose string
 * form (docker-java logs commands at debug level as {@code Cmd: <command>}) never shows the secret.
 */
class PullAuthTest {

    private static final String SECRET = "pa55-w0rd-never-shown";

    @Test
    void aPasswordCredential() {
        AuthConfig auth = DockerImages.auth(new Credential("r.example:5443", "alice", SECRET, false, "registries[...]"));
        assertEquals("alice", auth.getUsername());
        assertEquals(SECRET, auth.getPassword());
        assertEquals("r.example:5443", auth.getRegistryAddress());
        assertFalse(auth.toString().contains(SECRET), auth.toString());
        assertEquals("https://index.docker.io/v1/", DockerImages.auth(new Credential("docker.io", "u", SECRET, false, "s"))
                .getRegistryAddress());
    }

    @Test
    void anIdentityToken() {
        AuthConfig auth = DockerImages.auth(new Credential("r.example", "", SECRET, true, "docker_config ..."));
        assertEquals(SECRET, auth.getIdentitytoken());
        assertNull(auth.getPassword());
        assertFalse(auth.toString().contains(SECRET), auth.toString());
    }

    @Test
    void thePullCommandsStringFormHasNoSecretAndTheProcessConfigIsNotUsed() {
        DockerClient client = DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix:///nonexistent.sock").build(), null);
        PullImageCmd cmd = client.pullImageCmd("r.example/a:1")
                .withAuthConfig(DockerImages.auth(new Credential("r.example", "alice", SECRET, false, "s")));
        assertFalse(cmd.toString().contains(SECRET), cmd.toString());
        assertNull(client.pullImageCmd("r.example/a:1").withAuthConfig(null).getAuthConfig(),
                "an anonymous pull sends nothing, whatever ~/.docker/config.json holds");
    }
}
