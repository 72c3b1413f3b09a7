package dev.containerrunner.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.engine.EngineConfig;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.S3Server;
import dev.containerrunner.plugin.docker.DockerJavaGateway;
import dev.containerrunner.plugin.KubernetesCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.containerrunner.plugin.execution.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples through the reference engine on the real engine, with the plugin jar copied alone
 * into an empty plugin directory, exactly as a user installs it.
 */
class ExamplesIT {

    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "."));
    static final Path CONFIG = EXAMPLES.resolve("container-runner.yaml");
    static DockerGateway docker;

    @TempDir
    static Path pluginDir;

    @BeforeAll
    static void installPlugin() throws IOException {
        Path built = Path.of(System.getProperty("plugin.dir", "../plugin-container-runner/target/plugin"));
        try (Stream<Path> jars = Files.list(built)) {
            List<Path> list = jars.filter(p -> p.toString().endsWith(".jar")).toList();
            assertEquals(1, list.size(), "one plugin jar in " + built);
            Files.copy(list.get(0), pluginDir.resolve(list.get(0).getFileName()));
        }
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        docker = DockerJavaGateway.connect(host);
    }

    @AfterAll
    static void nothingLeftBehind() {
        try {
            assertEquals(0, labelled(), "labelled containers/volumes left behind");
        } finally {
            docker.close();
        }
    }

    static int labelled() {
        return docker.findContainers(Labels.managed()).size() + docker.findVolumes(Labels.managed()).size();
    }

    /**
     * The containers and volumes of runs of the workflow named {@code workflow} (the runner labels
     * each with its workflow's name): what a run of a workflow with a name of its own could have
     * made, whatever other tests' objects are still being removed.
     */
    static int labelled(String workflow) {
        Map<String, String> labels = Map.of(Labels.MANAGED_BY, Labels.APP, Labels.WORKFLOW, workflow);
        return docker.findContainers(labels).size() + docker.findVolumes(labels).size();
    }

    /** {@code name} with a random suffix: a workflow name no other test uses. */
    static String uniqueName(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    record Cli(int code, String stdout, String stderr) {
    }

    /** The real CLI in its own JVM: {@code java -jar workflow-engine.jar ARGS} with the plugin directory. */
    static Cli cli(String... args) throws IOException {
        Path engineJar = Path.of(System.getProperty("engine.jar", "../reference-engine/target/workflow-engine.jar"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", engineJar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("WORKFLOW_PLUGINS", pluginDir.toString());
        Path err = Files.createTempFile("cli", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int code = p.waitFor();
            return new Cli(code, out, Files.readString(err));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSeedsPythonExampleThroughTheCli() throws IOException {
        Cli c = cli("run", EXAMPLES.resolve("run_python_analysis.yaml").toString(), "--config", CONFIG.toString());
        assertEquals(0, c.code(), c.stderr() + c.stdout());
        Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        assertEquals("succeeded", doc.get("status"));
        Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("python_result");
        assertEquals("{\"result\": 4950}\n", result.get("stdout"));
        assertTrue(c.stderr().contains("[analyze] {\"result\": 4950}"), "live log on stderr: " + c.stderr());
        // stderr is no terminal here: plain progress lines and the summary table, not a single control sequence
        assertTrue(c.stderr().contains("workflow: analyze started ["), c.stderr());
        assertTrue(c.stderr().matches("(?s).*\nTASK     STATUS     DURATION  EXIT CODE  REASON\nanalyze  succeeded  \\d+\\.\\d+s +0\n.*"), c.stderr());
        assertTrue(!c.stderr().contains("\u001b"), c.stderr());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSeedsPythonExampleOnKubernetesPrints4950FromAPod() throws IOException {
        Cli c = cli("run", EXAMPLES.resolve("run_python_analysis.yaml").toString(), "--config", kubernetesConfig().toString());
        assertEquals(0, c.code(), c.stderr() + c.stdout());
        Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("python_result");
        assertEquals("{\"result\": 4950}\n", result.get("stdout"));
        assertEquals(true, result.get("stderr_merged"));
        assertTrue(c.stderr().contains("created job container-runner-"), "ran as a Kubernetes Job: " + c.stderr());
        assertTrue(c.stderr().contains(" in namespace " + KubernetesCluster.NAMESPACE), c.stderr());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSeedsVideoChainOnKubernetes() throws IOException {
        Cli c = cli("run", EXAMPLES.resolve("convert_video.yaml").toString(), "--config", kubernetesConfig().toString());
        assertEquals(0, c.code(), c.stderr() + c.stdout());
        Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        Map<String, Object> collected = (Map<String, Object>) ((Map<String, Object>) doc.get("results")).get("collected");
        Map<String, Object> file = ((List<Map<String, Object>>) collected.get("files")).get(0);
        assertEquals("/output/small.mp4", file.get("path"));
        assertTrue(((Number) file.get("size_bytes")).longValue() > 1000, String.valueOf(file.get("size_bytes")));
        try (KubernetesClient k = KubernetesCluster.client()) {
            assertEquals(0, k.batch().v1().jobs().inNamespace(KubernetesCluster.NAMESPACE).withLabel(Labels.MANAGED_BY, Labels.APP)
                    .list().getItems().stream().filter(j -> j.getMetadata().getDeletionTimestamp() == null).count(),
                    "the kept conversion Job is deleted when the workflow run ends");
        }
    }

    /** examples/container-runner-kubernetes.yaml pointed at the test cluster's kubeconfig. */
    static Path kubernetesConfig() throws IOException {
        String text = Files.readString(EXAMPLES.resolve("container-runner-kubernetes.yaml"))
                .replace("/var/cache/container-runner/k8s/run/admin.kubeconfig", KubernetesCluster.KUBECONFIG)
                .replace("namespace: container-runner", "namespace: " + KubernetesCluster.NAMESPACE);
        Path config = pluginDir.getParent().resolve("container-runner-kubernetes-" + ProcessHandle.current().pid() + ".yaml");
        Files.writeString(config, text);
        config.toFile().deleteOnExit();
        return config;
    }

    @Test
    void theSeedsPythonExampleThroughWorkflowBuilder() {
        try (WorkflowEngine engine = WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(pluginDir)
                .config(EngineConfig.load(CONFIG)).build()) {
            WorkflowRun run = engine.run(RunPythonAnalysis.workflow());
            assertTrue(run.succeeded(), run.toString());
            assertEquals(0L, ((Number) run.result("python_result").get("exit_code")).longValue());
            assertTrue(((String) run.result("python_result").get("stdout")).contains("4950"));
        }
    }

    @Test
    void theChainedExampleUsesReferences() throws IOException {
        Cli c = cli("run", EXAMPLES.resolve("chained_references.yaml").toString(), "--config", CONFIG.toString());
        assertEquals(0, c.code(), c.stderr() + c.stdout());
        assertTrue(c.stdout().contains("upstream exit code was 0 and said: 4950"), c.stdout());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSeedsVideoConversionInlineAndToS3(@TempDir Path dir) throws Exception {
        try (S3Server s3 = new S3Server("media")) {
            Path config = dir.resolve("config-s3.yaml");
            Files.writeString(config, Files.readString(CONFIG) + "    s3:\n      bucket: media\n      endpoint: " + s3.endpoint
                    + "\n      path_style: true\n      access_key_id: " + S3Server.ACCESS + "\n      secret_access_key: "
                    + S3Server.SECRET + "\n");
            Cli c = cli("run", EXAMPLES.resolve("convert_video_s3.yaml").toString(), "--config", config.toString());
            assertEquals(0, c.code(), c.stderr() + c.stdout());
            Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
            Map<String, Object> results = (Map<String, Object>) doc.get("results");
            Map<String, Object> inline = ((List<Map<String, Object>>) ((Map<String, Object>) results.get("collected")).get("files")).get(0);
            Map<String, Object> uploaded = ((List<Map<String, Object>>) ((Map<String, Object>) results.get("uploaded")).get("files")).get(0);
            byte[] video = java.util.Base64.getDecoder().decode((String) inline.get("content"));
            assertEquals("base64", inline.get("encoding"));
            assertEquals(video.length, ((Number) inline.get("size_bytes")).intValue());
            assertEquals("ftyp", new String(video, 4, 4, StandardCharsets.US_ASCII), "an MP4 file");
            String url = (String) uploaded.get("s3_url");
            assertTrue(url.startsWith("s3://media/videos/convert_video_s3/") && url.endsWith("/upload/output/small.mp4"), url);
            byte[] stored = s3.client.getObjectAsBytes(b -> b.bucket("media").key(url.substring("s3://media/".length()))).asByteArray();
            assertTrue(java.util.Arrays.equals(video, stored), "inline and S3 copies are the same bytes");
            Cli probe = cli("run", writeProbe(dir, (String) inline.get("content")).toString(), "--config", CONFIG.toString());
            assertEquals(0, probe.code(), probe.stderr());
            assertTrue(probe.stdout().contains("640x480"), "the converted video is 640x480: " + probe.stdout());
        }
    }

    /** A workflow that runs ffprobe on the converted video to check its size. */
    private static Path writeProbe(Path dir, String base64) throws IOException {
        Path wf = dir.resolve("probe.yaml");
        Files.writeString(wf, "name: probe\ntasks:\n  - task_id: probe\n    function: apps.platform.container_runner.run_with_input\n"
                + "    kwargs:\n      image: jrottenberg/ffmpeg:5.1-debian-local\n      command: [ffprobe, -v, error, -select_streams, v:0,"
                + " -show_entries, 'stream=width,height', -of, 'csv=s=x:p=0', /in/small.mp4]\n"
                + "      input_file: {path: /in/small.mp4, encoding: base64, content: '" + base64 + "'}\n    result_key: probe\n");
        return wf;
    }

    @Test
    void appsListsTheThreeActions() throws IOException {
        Cli c = cli("apps");
        assertEquals(0, c.code(), c.stderr());
        for (String f : List.of("apps.platform.container_runner.run_container", "apps.platform.container_runner.run_with_input",
                "apps.platform.container_runner.collect_output")) {
            assertTrue(c.stdout().contains(f), f);
        }
        assertTrue(c.stdout().contains(pluginDir.toString()), "the source is the plugin jar");
        assertTrue(c.stdout().contains("\"name\" : \"container_runner\",\n    \"version\" : \"1.0.0\""), "the seed's version: " + c.stdout());
        Cli table = cli("apps", "--format", "table");
        assertEquals(0, table.code(), table.stderr());
        assertTrue(table.stdout().startsWith("platform.container_runner 1.0.0  ("), table.stdout());
        assertTrue(table.stdout().contains("\n    image            string   required        image reference; must match allowed_images\n"),
                table.stdout());
    }

    @Test
    void badWorkflowsExitTwoNamingTheProblemAndStartNothing(@TempDir Path dir) throws IOException {
        String name = uniqueName("bad");
        for (String[] c : List.of(
                new String[] {"apps.platform.container_runner.run_contaner", "{image: python:3.11-slim}", "no action 'run_contaner'"},
                new String[] {"apps.platform.container_runner.run_container", "{command: [echo]}", "'image' is required"},
                new String[] {"apps.platform.container_runner.run_container", "{image: python:3.11-slim, imgae: x}", "'imgae' is not accepted"},
                new String[] {"apps.platform.container_runner.run_container", "{image: python:3.11-slim, memory_limit: lots}", "memory_limit"},
                new String[] {"apps.platform.container_runner.run_container", "{image: 'evil/python:1'}", "allowed_images"},
                new String[] {"apps.platform.container_runner.run_container", "{image: python:3.11-slim, network: host}", "network"})) {
            Path wf = dir.resolve("bad.yaml");
            Files.writeString(wf, "name: " + name + "\nversion: '1'\ntasks:\n  - task_id: t\n    function: " + c[0] + "\n    kwargs: " + c[1] + "\n");
            Cli o = cli("run", wf.toString(), "--config", CONFIG.toString());
            assertEquals(2, o.code(), o.stdout());
            assertTrue(o.stderr().contains(c[2]), o.stderr());
        }
        assertEquals(0, labelled(name), "no container or volume was created");
    }

    @Test
    void aConfigurationThePolicyDoesNotUnderstandRefusesToStart(@TempDir Path dir) throws IOException {
        for (String[] c : List.of(
                new String[] {"max_memory: lots", "max_memory"},
                new String[] {"default_timeout: 900\n    max_timeout: 600", "default_timeout"},
                new String[] {"allowed_images: ['Evil Image']", "allowed_images"},
                new String[] {"enable_netwrok: true", "enable_netwrok"},
                new String[] {"user: '0:0'", "user"})) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, "apps:\n  container_runner:\n    " + c[0] + "\n");
            Cli o = cli("run", EXAMPLES.resolve("run_python_analysis.yaml").toString(), "--config", config.toString());
            assertEquals(2, o.code(), o.stderr());
            assertTrue(o.stderr().contains("key '" + c[1] + "'"), o.stderr());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAuditLogThatCannotTakeALineRefusesToStart() throws IOException {
        String name = uniqueName("dev-full");
        Path config = Files.createTempFile("config-dev-full", ".yaml");
        Path workflow = Files.createTempFile("run_python_analysis", ".yaml");
        try {
            Files.writeString(config, Files.readString(CONFIG) + "    audit_log: /dev/full\n");
            String example = Files.readString(EXAMPLES.resolve("run_python_analysis.yaml"));
            assertTrue(example.contains("\nname: run_python_analysis\n"), "the example's name line");
            Files.writeString(workflow, example.replace("\nname: run_python_analysis\n", "\nname: " + name + "\n"));
            Cli c = cli("run", workflow.toString(), "--config", config.toString());
            assertEquals(2, c.code(), c.stderr() + c.stdout());
            Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
            assertEquals(List.of("status", "error"), List.copyOf(doc.keySet()));
            assertEquals("invalid", doc.get("status"));
            assertTrue(((String) doc.get("error")).contains("key 'audit_log' ('/dev/full') cannot be used: it is a character device,"
                    + " not a regular file"), (String) doc.get("error"));
            assertTrue(c.stderr().contains("workflow: invalid: "), c.stderr());
            assertTrue(!c.stderr().contains("Exception") && !c.stderr().contains("\tat "), "no stack trace: " + c.stderr());
        } finally {
            Files.deleteIfExists(config);
            Files.deleteIfExists(workflow);
        }
        assertEquals(0, labelled(name), "nothing was created");
    }

    /** The engine could not start two tasks (a missing path, a value of the wrong type): the app audits both. */
    @Test
    @SuppressWarnings("unchecked")
    void tasksWhoseReferencesDoNotResolveAreAudited(@TempDir Path dir) throws IOException {
        Path audit = dir.resolve("audit/audit.jsonl");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(CONFIG) + "    audit_log: " + audit + "\n");
        Path wf = dir.resolve("refs.yaml");
        Files.writeString(wf, """
                name: refs
                tasks:
                  - task_id: first
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: container-runner-test/busybox:1.35-debian, command: [echo, hi]}
                    result_key: first
                  - task_id: missing
                    function: apps.platform.container_runner.run_container
                    kwargs: {image: "{{ first.no_such_key }}", environment: {TOKEN: very-secret}}
                  - task_id: mistyped
                    function: apps.platform.container_runner.run_with_input
                    kwargs: {image: container-runner-test/busybox:1.35-debian, timeout_seconds: "{{ first.stdout }}"}
                """);
        Cli c = cli("run", wf.toString(), "--config", config.toString());
        assertEquals(1, c.code(), c.stderr() + c.stdout());
        Map<String, Object> doc = new ObjectMapper().readValue(c.stdout(), Map.class);
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) doc.get("tasks");
        assertEquals(List.of("succeeded", "failed", "failed"), tasks.stream().map(t -> t.get("status")).toList());

        Map<String, Map<String, Object>> byTask = new java.util.HashMap<>();
        for (String line : Files.readAllLines(audit)) {
            Map<String, Object> m = new ObjectMapper().readValue(line, Map.class);
            assertEquals(null, byTask.put((String) m.get("task_id"), m), "one line per task: " + line);
        }
        assertEquals(java.util.Set.of("first", "missing", "mistyped"), byTask.keySet());
        assertEquals("succeeded", byTask.get("first").get("outcome"));
        for (String task : List.of("missing", "mistyped")) {
            Map<String, Object> line = byTask.get(task);
            assertEquals("run", line.get("phase"));
            assertEquals("invalid", line.get("outcome"));
            assertEquals("refs", line.get("workflow"));
            assertEquals(doc.get("run_id"), line.get("run_id"));
            assertEquals("not started by the engine: " + tasks.get(task.equals("missing") ? 1 : 2).get("error"), line.get("reason"));
        }
        assertEquals("run_container", byTask.get("missing").get("action"));
        assertTrue(((String) byTask.get("missing").get("reason")).contains("{{ first.no_such_key }} does not resolve"));
        assertEquals("run_with_input", byTask.get("mistyped").get("action"));
        assertTrue(((String) byTask.get("mistyped").get("reason")).contains("parameter 'timeout_seconds' must be an integer"));
        assertTrue(!Files.readString(audit).contains("very-secret"), "no kwargs values");
    }
}
