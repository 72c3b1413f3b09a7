package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Secrets on the real Docker engine: what {@code docker inspect} shows of a kept container that had
 * secrets (its config, environment, mounts, labels) and its volumes, and every file the engine
 * keeps for it on disk besides the program's own output directories (the container's writable
 * layer, where {@code /run/secrets} would land if it were not a tmpfs, and the shim's volume) must
 * not hold a value.
 */
class DockerSecretsIT extends SecretsContract {

    @Override
    protected Map<String, Object> configuration(Map<String, Object> base) {
        return base;
    }

    @Override
    protected int runnerObjects() {
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            return g.findContainers(Labels.ownedByThisProcess()).size() + g.findVolumes(Labels.ownedByThisProcess()).size();
        }
    }

    @Override
    protected int runnerObjects(TestContext ctx) {
        try (DockerGateway g = ContainerRunnerApp.dockerGateway(RunnerConfig.defaults())) {
            return CallObjects.docker(g, ctx);
        }
    }

    @Override
    protected String engineView(String containerId) throws Exception {
        String inspect = docker("inspect", containerId);
        JsonNode container = new ObjectMapper().readTree(inspect).get(0);
        for (JsonNode env : container.at("/Config/Env")) {
            assertFalse(env.asText().startsWith("CANARY_ENV="), "secret_env is not in Config.Env: " + env);
        }
        assertEquals("canary_env,canary_file", container.at("/Config/Labels/dev.containerrunner.secrets").asText());
        assertTrue(container.at("/HostConfig/Tmpfs/~1run~1secrets").asText().contains("noexec"), inspect);
        StringBuilder view = new StringBuilder(inspect);
        List<Path> onDisk = new ArrayList<>(List.of(Path.of(container.at("/GraphDriver/Data/UpperDir").asText())));
        for (JsonNode mount : container.get("Mounts")) {
            if ("volume".equals(mount.path("Type").asText())) {
                String volume = docker("volume", "inspect", mount.get("Name").asText());
                view.append(volume);
                // the run's own directories hold what the program wrote there (its output, returned redacted);
                // the runner's shim volume and the writable layer must hold nothing of a value
                if (mount.get("Destination").asText().equals("/.container-runner")) {
                    onDisk.add(Path.of(new ObjectMapper().readTree(volume).get(0).get("Mountpoint").asText()));
                }
            }
        }
        assertEquals(2, onDisk.size(), "the writable layer and the shim's volume: " + onDisk);
        for (Path root : onDisk) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    view.append('\n').append(f).append('\n').append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
        }
        assertTrue(view.toString().contains("/run/secrets"), "the view was read: " + inspect);
        return view.toString();
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }
}
