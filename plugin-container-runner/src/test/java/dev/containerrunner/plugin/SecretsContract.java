package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionFailedException;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.InvalidConfigurationException;
import dev.containerrunner.spi.InvalidKwargsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Secrets on a real engine or cluster, the same on every backend: a canary fed through an
 * {@code env} source and a {@code file} source reaches the container (proved by its hash) and is
 * printed raw, split across two writes with a pause, base64-encoded, written to output_file and to
 * collected files — and appears nowhere: not in the results (as JSON), the live log, the audit
 * log, what the engine or cluster shows about the run ({@link #engineView}), or the files it keeps.
 * Plus the denials (unknown secret, not allowed for the image, unreadable at start-up and at run
 * time), delivery details (mode 0400, the user's, on a tmpfs; PID 1; SIGTERM; the image's own
 * command; stdin after the secrets) and rotation.
 *
 * <p>The env canary is {@code CONTAINER_RUNNER_TEST_CANARY}, set for the failsafe JVM in the
 * plugin's pom; the file canary is random per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SecretsContract {

    protected static final String BB = TestImages.BUSYBOX;
    protected static final String ENV_CANARY = System.getenv("CONTAINER_RUNNER_TEST_CANARY");
    protected final String fileCanary = "cr-file-canary-" + UUID.randomUUID().toString().replace("-", "");

    protected ContainerRunnerApp app;
    protected ActionRegistry actions;
    protected Path dir;
    protected Path auditLog;
    private Path rotating;
    private Path vanishing;

    /** The backend's part of the configuration, on top of {@code base}. */
    protected abstract Map<String, Object> configuration(Map<String, Object> base);

    /** Everything the engine or cluster shows and keeps about the kept run {@code containerId}, as text. */
    protected abstract String engineView(String containerId) throws Exception;

    /** Objects of this backend labelled as this process's runs. */
    protected abstract int runnerObjects();

    /**
     * Objects of this backend that a call with {@code ctx} could have made: those labelled with its
     * workflow, run and task (see {@link CallObjects}); what other calls made, or are still
     * removing, does not count.
     */
    protected abstract int runnerObjects(TestContext ctx);

    @BeforeAll
    void startApp() throws IOException {
        assertTrue(ENV_CANARY != null && ENV_CANARY.length() >= 16, "CONTAINER_RUNNER_TEST_CANARY is set for the ITs (pom)");
        dir = Files.createTempDirectory("secrets-it");
        auditLog = dir.resolve("audit.jsonl");
        Files.writeString(dir.resolve("canary"), fileCanary + "\n"); // one trailing line break is dropped
        rotating = Files.writeString(dir.resolve("rotating"), "first-value-0001");
        vanishing = Files.writeString(dir.resolve("vanishing"), "soon-gone-0002");
        Files.writeString(dir.resolve("python-only"), "python-only-0003");
        app = new ContainerRunnerApp();
        app.configure(configuration(baseConfiguration()));
        actions = ActionRegistry.of(app);
    }

    protected Map<String, Object> baseConfiguration() {
        Map<String, Object> c = new HashMap<>();
        c.put("allowed_images", List.of(TestImages.PYTHON, "container-runner-test/*:*"));
        c.put("stop_grace_seconds", 2);
        c.put("collect_retention_seconds", 600);
        c.put("audit_log", auditLog.toString());
        c.put("secrets", Map.of(
                "canary_env", Map.of("env", "CONTAINER_RUNNER_TEST_CANARY"),
                "canary_file", Map.of("file", dir.resolve("canary").toString()),
                "rotating", Map.of("file", rotating.toString()),
                "vanishing", Map.of("file", vanishing.toString()),
                "python_only", Map.of("file", dir.resolve("python-only").toString(), "allowed_images", List.of("python:*"))));
        return c;
    }

    @AfterAll
    void closeApp() throws InterruptedException {
        app.close();
        long until = System.currentTimeMillis() + 60_000;
        while (runnerObjects() > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        assertEquals(0, runnerObjects(), "objects left behind after close");
    }

    protected Map<String, Object> call(String action, TestContext ctx, Object... kv) {
        return ActionCalls.call(actions, action, ctx, kv);
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** The value and the base64 forms that give it away (own encoding, and the parts fixed by it at each alignment). */
    static List<String> forms(String value) {
        List<String> out = new ArrayList<>(List.of(value));
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            out.add(enc.encodeToString(v));
            for (int offset = 0; offset < 3; offset++) {
                byte[] shifted = new byte[offset + v.length];
                System.arraycopy(v, 0, shifted, offset, v.length);
                String text = enc.withoutPadding().encodeToString(shifted);
                out.add(text.substring((8 * offset + 5) / 6, 8 * (offset + v.length) / 6));
            }
        }
        return out;
    }

    /** Fails when {@code text} holds either canary in any form. */
    protected void assertNoCanary(String where, String text) {
        for (String canary : List.of(ENV_CANARY, fileCanary)) {
            for (String form : forms(canary)) {
                assertFalse(text.contains(form), where + " holds the canary (" + form + "): " + text);
            }
        }
    }

    /** What the container runs: proves delivery by hashes, then gives the values away every way it can. */
    private static final String LEAKER = String.join("\n",
            "F=$(cat /run/secrets/canary_file)",
            "echo \"file-sha=$(printf %s \"$F\" | sha256sum | cut -d' ' -f1)\"",
            "echo \"env-sha=$(printf %s \"$CANARY_ENV\" | sha256sum | cut -d' ' -f1)\"",
            "echo \"mode=$(stat -c %a /run/secrets/canary_file) owner=$(stat -c %u:%g /run/secrets/canary_file) me=$(id -u):$(id -g)\"",
            "echo \"fs=$(awk '$2==\"/run/secrets\"{print $3}' /proc/mounts)\"",
            "read -r pid rest < /proc/self/stat; echo \"pid=$pid\"", // not $$: Kubernetes turns $$ in a command into $
            "echo \"raw $F and $CANARY_ENV\"",
            "echo \"to stderr $F\" >&2",
            "printf 'split-%s' \"$(printf %s \"$F\" | cut -c1-9)\"; sleep 1.5; printf '%s-end\\n' \"$(printf %s \"$F\" | cut -c10-)\"",
            "printf %s \"$F\" | base64; printf %s \"$CANARY_ENV\" | base64",
            "printf 'x%sy' \"$F\" | base64; printf 'xy%sz' \"$CANARY_ENV\" | base64; printf %s \"$F\" | base64 | tr '+/' '-_'",
            "printf 'out %s %s\\n' \"$F\" \"$CANARY_ENV\" > /out/result.txt",
            "printf 'collected %s\\n' \"$CANARY_ENV\" > /work/collected.txt",
            "printf '\\000\\001bin%s\\000' \"$F\" > /work/bin.dat",
            "touch \"/work/name-$F.txt\"",
            "echo done");

    @Test
    @SuppressWarnings("unchecked")
    void aCanaryReachesTheContainerAndAppearsNowhere() throws Exception {
        TestContext ctx = new TestContext("canary");
        Map<String, Object> r = call("run_with_input", ctx, "image", BB, "command", List.of("sh", "-c", LEAKER),
                "secrets", List.of("canary_file"), "secret_env", Map.of("CANARY_ENV", "canary_env"),
                "output_file", "/out/result.txt", "writable_dirs", List.of("/work"), "timeout_seconds", 60);
        String out = r.get("stdout") + "" + r.get("stderr");
        assertEquals(true, r.get("success"), r.get("error") + " " + out);
        assertTrue(out.contains("file-sha=" + sha256(fileCanary) + "\n"), "the file arrived (one trailing line break dropped): " + out);
        assertTrue(out.contains("env-sha=" + sha256(ENV_CANARY) + "\n"), "the variable arrived: " + out);
        String me = out.replaceAll("(?s).* me=(\\d+:\\d+).*", "$1");
        assertTrue(out.contains("mode=400 owner=" + me + " me=" + me + "\n"), "0400, the container user's: " + out);
        assertTrue(out.contains("fs=tmpfs\n"), "on a tmpfs: " + out);
        assertTrue(out.contains("pid=1\n"), "the command is PID 1: " + out);
        assertTrue(out.contains("raw *** and ***\n"), out);
        assertTrue(out.contains("to stderr ***\n"), out);
        assertTrue(out.contains("split-***-end\n"), "split across two writes 1.5 s apart: " + out);
        assertTrue(out.contains("done\n"), out);
        assertEquals("out *** ***\n", r.get("output_file_content"));
        assertTrue(((List<String>) r.get("redacted")).containsAll(List.of("stdout", "output_file_content")), String.valueOf(r));

        String containerId = (String) r.get("container_id");
        assertNoCanary("the engine's view of the kept run", engineView(containerId));

        Map<String, Object> collected = call("collect_output", ctx, "container_id", containerId,
                "file_paths", List.of("/work"), "release", true);
        Map<String, Map<String, Object>> files = new HashMap<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) collected.get("files")) {
            files.put((String) f.get("path"), f);
        }
        assertEquals("collected ***\n", files.get("/work/collected.txt").get("content"), String.valueOf(files));
        assertEquals(true, files.get("/work/collected.txt").get("redacted"));
        String binError = String.valueOf(files.get("/work/bin.dat").get("error"));
        assertTrue(binError.contains("holds the value of secret canary_file") && !files.get("/work/bin.dat").containsKey("content"),
                "a binary file holding a value is refused, naming the secret: " + files);
        assertTrue(files.containsKey("/work/name-***.txt"), "a file name holding a value is redacted: " + files.keySet());

        ObjectMapper json = new ObjectMapper();
        assertNoCanary("the run's result", json.writeValueAsString(r));
        assertNoCanary("the collect result", json.writeValueAsString(collected));
        assertNoCanary("the live log", String.join("\n", ctx.lines));
        assertTrue(ctx.lines.stream().anyMatch(l -> l.contains("raw *** and ***")), "the live log shows the marks: " + ctx.lines);
        String audit = Files.readString(auditLog);
        assertNoCanary("the audit log", audit);
        assertTrue(audit.contains("\"secret_names\":[\"canary_env\",\"canary_file\"]"), audit);
        assertTrue(audit.contains("\"secret_env_names\":[\"CANARY_ENV\"]"), audit);
    }

    @Test
    void theImagesOwnCommandRunsAndInputDataFollowsTheSecrets() {
        Map<String, Object> r = call("run_with_input", new TestContext("imagecmd"), "image", BB,
                "secrets", List.of("rotating"), "input_data", "cat /run/secrets/rotating; echo; echo pid=$$\n",
                "timeout_seconds", 60);
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("***\npid=1\n", r.get("stdout"), "the image's cmd (sh) read the rest of stdin as its script");
    }

    @Test
    void aVariableOnlySecretIsNoFile() {
        Map<String, Object> r = call("run_container", new TestContext("envonly"), "image", BB,
                "command", List.of("sh", "-c", "test -e /run/secrets/rotating && echo file || echo no-file; echo ${#TOKEN}"),
                "secret_env", Map.of("TOKEN", "rotating"), "timeout_seconds", 60);
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("no-file\n16\n", r.get("stdout"));
    }

    @Test
    void sigtermReachesTheCommand() {
        Map<String, Object> r = call("run_container", new TestContext("sigterm"), "image", BB,
                "command", List.of("sh", "-c", "trap 'echo got-term; exit 143' TERM; echo started; while :; do sleep 0.2; done"),
                "secrets", List.of("rotating"), "timeout_seconds", 3);
        assertEquals(true, r.get("timed_out"), String.valueOf(r));
        assertTrue(String.valueOf(r.get("stdout")).contains("got-term"), "SIGTERM reached PID 1 through the shim: " + r);
    }

    @Test
    void aRotatedValueIsUsedFromTheNextRunOn() throws Exception {
        Files.writeString(rotating, "first-value-0001");
        Map<String, Object> first = call("run_container", new TestContext("rot1"), "image", BB,
                "command", List.of("sh", "-c", "sha256sum /run/secrets/rotating | cut -c1-64"), "secrets", List.of("rotating"));
        Files.writeString(rotating, "second-value-0002\n");
        Map<String, Object> second = call("run_container", new TestContext("rot2"), "image", BB,
                "command", List.of("sh", "-c", "sha256sum /run/secrets/rotating | cut -c1-64"), "secrets", List.of("rotating"));
        assertEquals(sha256("first-value-0001") + "\n", first.get("stdout"), String.valueOf(first));
        assertEquals(sha256("second-value-0002") + "\n", second.get("stdout"), String.valueOf(second));
        Files.writeString(rotating, "first-value-0001");
    }

    @Test
    void anUnknownSecretIsRefusedAtValidationAndNothingIsCreated() {
        TestContext unknown = CallObjects.uniqueContext("unknown");
        TestContext unknownEnv = CallObjects.uniqueContext("unknown-env");
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> call("run_container", unknown,
                "image", BB, "command", List.of("true"), "secrets", List.of("canary_file", "nope")));
        assertEquals("secrets[1]", e.parameter());
        assertTrue(e.getMessage().contains("('nope') is not a configured secret"), e.getMessage());
        PolicyDeniedException env = assertThrows(PolicyDeniedException.class, () -> call("run_container",
                unknownEnv, "image", BB, "command", List.of("true"), "secret_env", Map.of("X", "nope")));
        assertEquals("secret_env.X", env.parameter());
        assertEquals(0, runnerObjects(unknown) + runnerObjects(unknownEnv), "objects of the refused calls");
    }

    @Test
    void aSecretNotAllowedForTheImageIsRefused() {
        TestContext ctx = CallObjects.uniqueContext("notfor");
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> call("run_container", ctx,
                "image", BB, "command", List.of("true"), "secrets", List.of("python_only")));
        assertEquals("secrets[0]", e.parameter());
        assertTrue(e.getMessage().contains("may not be given to image '" + BB + "'"), e.getMessage());
        assertEquals(0, runnerObjects(ctx), "objects of the refused call");
    }

    @Test
    void malformedReferencesAreRefused() {
        InvalidKwargsException clash = assertThrows(InvalidKwargsException.class, () -> call("run_container",
                new TestContext("clash"), "image", BB, "command", List.of("true"), "environment", Map.of("TOKEN", "x"),
                "secret_env", Map.of("TOKEN", "rotating")));
        assertEquals("secret_env.TOKEN", clash.parameter());
        InvalidKwargsException path = assertThrows(InvalidKwargsException.class, () -> call("run_container",
                new TestContext("path"), "image", BB, "command", List.of("true"), "writable_dirs", List.of("/run/secrets/x"),
                "secrets", List.of("rotating")));
        assertEquals("writable_dirs[0]", path.parameter());
    }

    @Test
    void aSourceThatCannotBeReadAtStartUpIsAConfigurationError() {
        Map<String, Object> c = configuration(baseConfiguration());
        c.put("secrets", Map.of("missing", Map.of("file", dir.resolve("does-not-exist").toString())));
        try (ContainerRunnerApp other = new ContainerRunnerApp()) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> other.configure(c));
            assertEquals("secrets[missing].file", e.key());
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }

    @Test
    void aSourceGoneAtRunTimeFailsTheRunBeforeAnythingIsCreated() throws IOException {
        TestContext ctx = CallObjects.uniqueContext("gone");
        Files.delete(vanishing);
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> call("run_container", ctx,
                "image", BB, "command", List.of("true"), "secrets", List.of("vanishing")));
        assertTrue(e.getMessage().contains("not run, nothing was created: secret vanishing: file " + vanishing
                + ": does not exist"), e.getMessage());
        assertEquals(0, runnerObjects(ctx), "objects of the refused call");
        assertTrue(Files.readString(auditLog).contains("secret vanishing: file"), "audited");
    }
}
