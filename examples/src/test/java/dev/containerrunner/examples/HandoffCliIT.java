package dev.containerrunner.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.S3Server;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.docker.DockerJavaGateway;
import dev.containerrunner.plugin.execution.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact hand-off through the real CLI, engine and S3-compatible server: a task writes a file,
 * collect_output uploads it, and a later task gets it through {@code inputs} by reference to the
 * uploaded {@code s3_url} and {@code sha256} ({@code examples/artifact_handoff_s3.yaml}).
 */
class HandoffCliIT {

    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "."));

    @Test
    @SuppressWarnings("unchecked")
    void anUploadedFileIsTheNextTasksVerifiedInput(@TempDir Path dir) throws Exception {
        Path pluginDir = Files.createDirectory(dir.resolve("plugins"));
        Path built = Path.of(System.getProperty("plugin.dir", "../plugin-container-runner/target/plugin"));
        try (Stream<Path> jars = Files.list(built)) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            Files.copy(jar, pluginDir.resolve(jar.getFileName()));
        }
        try (S3Server s3 = new S3Server("media");
             DockerGateway docker = DockerJavaGateway.connect(System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock"))) {
            Path config = dir.resolve("config-s3.yaml");
            Files.writeString(config, Files.readString(EXAMPLES.resolve("container-runner.yaml")) + "    s3:\n      bucket: media\n"
                    + "      endpoint: " + s3.endpoint + "\n      path_style: true\n      access_key_id: " + S3Server.ACCESS
                    + "\n      secret_access_key: " + S3Server.SECRET + "\n      input_prefixes: [\"s3://media/artifacts/\"]\n");
            ProcessBuilder pb = new ProcessBuilder(cli(pluginDir, "run", EXAMPLES.resolve("artifact_handoff_s3.yaml").toString(),
                    "--config", config.toString())).redirectError(dir.resolve("err").toFile());
            pb.environment().put("WORKFLOW_PLUGINS", pluginDir.toString());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            String err = Files.readString(dir.resolve("err"));
            assertEquals(0, code, err + out);
            Map<String, Object> results = (Map<String, Object>) new ObjectMapper().readValue(out, Map.class).get("results");
            String produced = ((String) ((Map<String, Object>) results.get("produced")).get("stdout")).split(" ")[0];
            Map<String, Object> uploaded = ((List<Map<String, Object>>) ((Map<String, Object>) results.get("uploaded")).get("files")).get(0);
            assertEquals(produced, uploaded.get("sha256"));
            String url = (String) uploaded.get("s3_url");
            assertTrue(url.startsWith("s3://media/artifacts/artifact_handoff_s3/") && url.endsWith("/upload/out/data.bin"), url);
            assertEquals(produced + "  /input/data.bin\n", ((Map<String, Object>) results.get("consumed")).get("stdout"),
                    "the consuming task read the same bytes");
            Map<String, String> own = Map.of(Labels.MANAGED_BY, Labels.APP, Labels.WORKFLOW, "artifact_handoff_s3");
            assertEquals(0, docker.findContainers(own).size() + docker.findVolumes(own).size(),
                    "nothing of this workflow's runs left behind");
        }
    }

    @Test
    void aKeyOutsideTheInputPrefixesIsRefusedAtValidationWithExitTwo(@TempDir Path dir) throws Exception {
        Path pluginDir = Files.createDirectory(dir.resolve("plugins"));
        Path built = Path.of(System.getProperty("plugin.dir", "../plugin-container-runner/target/plugin"));
        try (Stream<Path> jars = Files.list(built)) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            Files.copy(jar, pluginDir.resolve(jar.getFileName()));
        }
        Path config = dir.resolve("config-s3.yaml");
        Files.writeString(config, Files.readString(EXAMPLES.resolve("container-runner.yaml")) + "    s3:\n      bucket: media\n"
                + "      endpoint: http://127.0.0.1:9\n      path_style: true\n      input_prefixes: [\"s3://media/artifacts/\"]\n");
        Path wf = dir.resolve("outside.yaml");
        Files.writeString(wf, "name: outside\ntasks:\n  - task_id: first\n    function: apps.platform.container_runner.run_container\n"
                + "    kwargs: {image: container-runner-test/busybox:1.35-debian, command: [\"true\"]}\n"
                + "  - task_id: read\n    function: apps.platform.container_runner.run_container\n    depends_on: [first]\n"
                + "    kwargs:\n      image: container-runner-test/busybox:1.35-debian\n"
                + "      inputs: [{s3_url: \"s3://media/artifacts-old/x.bin\", path: /in/x.bin}]\n      command: [\"true\"]\n");
        ProcessBuilder pb = new ProcessBuilder(cli(pluginDir, "run", wf.toString(), "--config", config.toString()))
                .redirectError(dir.resolve("err").toFile());
        pb.environment().put("WORKFLOW_PLUGINS", pluginDir.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("parameter 'inputs[0].s3_url' (s3://media/artifacts-old/x.bin) is not under any of"
                + " s3.input_prefixes [s3://media/artifacts/]"), out);
        assertTrue(out.contains("\"invalid\"") && !out.contains("\"container_id\""), "nothing ran, not even the first task: " + out);
    }

    private static List<String> cli(Path pluginDir, String... args) {
        Path engineJar = Path.of(System.getProperty("engine.jar", "../reference-engine/target/workflow-engine.jar"));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                engineJar.toString()));
        command.addAll(List.of(args));
        return command;
    }
}
