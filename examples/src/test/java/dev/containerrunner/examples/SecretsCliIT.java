package dev.containerrunner.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.KubernetesCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets through the real CLI ({@code java -jar workflow-engine.jar}, as {@code bin/workflow}
 * runs it) on both backends: a canary from the CLI's environment and one from a file are printed
 * raw, split and base64-encoded by the task, written to output_file and collected — and appear in
 * neither the CLI's stdout (the JSON document) nor its stderr (live lines, progress, summary) nor
 * the audit log. A secret reference the configuration cannot satisfy is exit 2 before anything runs.
 */
class SecretsCliIT {

    @TempDir
    static Path dir;
    static Path pluginDir;
    final String envCanary = "cr-cli-env-" + UUID.randomUUID().toString().replace("-", "");
    final String fileCanary = "cr-cli-file-" + UUID.randomUUID().toString().replace("-", "");

    @BeforeAll
    static void installPlugin() throws IOException {
        pluginDir = Files.createDirectories(dir.resolve("plugins"));
        Path built = Path.of(System.getProperty("plugin.dir", "../plugin-container-runner/target/plugin"));
        try (Stream<Path> jars = Files.list(built)) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            Files.copy(jar, pluginDir.resolve(jar.getFileName()));
        }
    }

    record Cli(int code, String stdout, String stderr) {
    }

    private Cli cli(String... args) throws IOException, InterruptedException {
        Path engineJar = Path.of(System.getProperty("engine.jar", "../reference-engine/target/workflow-engine.jar"));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                engineJar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("WORKFLOW_PLUGINS", pluginDir.toString());
        pb.environment().put("CLI_CANARY", envCanary);
        Path err = Files.createTempFile(dir, "cli", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Cli(p.waitFor(), out, Files.readString(err));
    }

    private Path config(String backend, Path audit, String secrets) throws IOException {
        Files.writeString(dir.resolve("canary"), fileCanary + "\n");
        String k8s = backend.equals("kubernetes") ? "    backend: kubernetes\n    default_cpu: 0.2\n    kubernetes: {kubeconfig: "
                + KubernetesCluster.KUBECONFIG + ", namespace: " + KubernetesCluster.NAMESPACE
                + ", helper_image: container-runner-test/busybox:1.35-debian}\n" : "";
        Path config = dir.resolve("config-" + backend + ".yaml");
        Files.writeString(config, "apps:\n  container_runner:\n" + k8s
                + "    allowed_images: [\"container-runner-test/*:*\"]\n"
                + "    audit_log: " + audit + "\n"
                + "    secrets:\n" + secrets);
        return config;
    }

    private String secrets() {
        return "      canary_env: {env: CLI_CANARY}\n      canary_file: {file: " + dir.resolve("canary") + "}\n";
    }

    private static final String WORKFLOW = """
            name: secrets_cli
            version: 1.0.0
            tasks:
              - task_id: leak
                function: apps.platform.container_runner.run_with_input
                kwargs:
                  image: container-runner-test/busybox:1.35-debian
                  secrets: [canary_file]
                  secret_env: {TOKEN: canary_env}
                  output_file: /out/o.txt
                  writable_dirs: [/work]
                  command:
                    - sh
                    - -c
                    - |
                      F=$(cat /run/secrets/canary_file)
                      echo "raw $F $TOKEN"; echo "err $F" >&2
                      printf 'split-%s' "$(printf %s "$F" | cut -c1-8)"; sleep 1.5; printf '%s-end\\n' "$(printf %s "$F" | cut -c9-)"
                      printf %s "$TOKEN" | base64; printf 'ab%s' "$F" | base64
                      echo "out $TOKEN" > /out/o.txt; echo "kept $F" > /work/k.txt
                result_key: leaked
              - task_id: collect
                function: apps.platform.container_runner.collect_output
                kwargs: {container_id: "{{ leaked.container_id }}", file_paths: [/work/k.txt], release: true}
                result_key: collected
            """;

    private void assertNoCanary(String where, String text) {
        for (String canary : List.of(envCanary, fileCanary)) {
            byte[] v = canary.getBytes(StandardCharsets.UTF_8);
            for (String form : List.of(canary, Base64.getEncoder().encodeToString(v),
                    Base64.getEncoder().withoutPadding().encodeToString(v).substring(0, 8 * v.length / 6))) {
                assertFalse(text.contains(form), where + " holds a canary: " + text);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker", "kubernetes"})
    @SuppressWarnings("unchecked")
    void theCanariesAppearNowhereTheCliWrites(String backend) throws Exception {
        Path audit = dir.resolve("audit-" + backend + ".jsonl");
        Path workflow = Files.writeString(dir.resolve("secrets.yaml"), WORKFLOW);
        Cli c = cli("run", workflow.toString(), "--config", config(backend, audit, secrets()).toString(), "--progress", "plain");
        assertEquals(0, c.code(), c.stderr() + c.stdout());
        Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        Map<String, Object> leaked = (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("leaked");
        String out = leaked.get("stdout") + "" + leaked.get("stderr");
        assertTrue(out.contains("raw *** ***\n") && out.contains("split-***-end\n") && out.contains("err ***\n"), out);
        assertEquals("out ***\n", leaked.get("output_file_content"));
        Map<String, Object> collected = (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("collected");
        assertEquals("kept ***\n", ((List<Map<String, Object>>) collected.get("files")).get(0).get("content"));
        assertTrue(c.stderr().contains("[leak] raw *** ***"), "live lines on stderr: " + c.stderr());
        assertNoCanary("the CLI's stdout", c.stdout());
        assertNoCanary("the CLI's stderr", c.stderr());
        assertNoCanary("the audit log", Files.readString(audit));
    }

    @Test
    void anUnknownSecretIsExit2BeforeAnythingRuns() throws Exception {
        Path audit = dir.resolve("audit-unknown.jsonl");
        Path workflow = Files.writeString(dir.resolve("unknown.yaml"), WORKFLOW.replace("secrets: [canary_file]",
                "secrets: [canary_file, nope]"));
        Cli c = cli("run", workflow.toString(), "--config", config("docker", audit, secrets()).toString());
        assertEquals(2, c.code(), c.stderr() + c.stdout());
        Map<?, ?> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        assertEquals("invalid", doc.get("status"));
        assertTrue(String.valueOf(doc.get("error")).contains("secrets[1]") && String.valueOf(doc.get("error")).contains("'nope'"),
                String.valueOf(doc.get("error")));
    }

    @Test
    void aSecretThatCannotBeReadAtStartUpIsExit2() throws Exception {
        Path workflow = Files.writeString(dir.resolve("startup.yaml"), WORKFLOW);
        Cli c = cli("run", workflow.toString(), "--config", config("docker", dir.resolve("audit-startup.jsonl"),
                secrets() + "      gone: {file: " + dir.resolve("no-such-file") + "}\n").toString());
        assertEquals(2, c.code(), c.stderr() + c.stdout());
        Map<?, ?> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        assertTrue(String.valueOf(doc.get("error")).contains("secrets[gone].file"), String.valueOf(doc.get("error")));
        assertTrue(String.valueOf(doc.get("error")).contains("does not exist"), String.valueOf(doc.get("error")));
    }
}
