package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.ActionRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from a real private registry (TLS from its own CA, htpasswd auth; {@code scripts/ensure-registry.sh})
 * on the real engine: credentials from the configuration, every failure class, moving tags,
 * shared pulls, require_digest, the pull timeout and cancellation during a pull. Images of the
 * registry are removed from the engine before a run that must pull them.
 */
class RegistryIT extends DockerIT {

    private static final String WHICH = "command -v python3 >/dev/null && echo python || echo busybox";

    @TempDir
    static Path dir;
    private static Path passwordFile;

    @BeforeAll
    static void registry() throws IOException {
        TestRegistry.requireRunning();
        passwordFile = dir.resolve("alice.password");
        Files.writeString(passwordFile, TestRegistry.password() + "\n");
    }

    @AfterAll
    static void localImagesKeepOnlyTheirOwnNames() {
        TestRegistry.assertLocalImagesUntouched();
    }

    /** An app with its own configuration and audit file; closing it closes the app. */
    private record App(ContainerRunnerApp app, ActionRegistry actions, Path audit) implements AutoCloseable {
        Map<String, Object> call(TestContext ctx, Object... kv) {
            return ActionCalls.call(actions, "run_container", ctx, kv);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> auditLines() throws IOException {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : Files.readAllLines(audit)) {
                out.add(new ObjectMapper().readValue(line, Map.class));
            }
            return out;
        }

        @Override
        public void close() {
            app.close();
        }
    }

    private static App app(Object... kv) {
        Map<String, Object> c = baseConfig();
        c.put("allowed_images", List.of(TestRegistry.HOST + "/test/*:*"));
        Path audit = dir.resolve("audit-" + UUID.randomUUID() + ".jsonl");
        c.put("audit_log", audit.toString());
        for (int i = 0; i < kv.length; i += 2) {
            c.put((String) kv[i], kv[i + 1]);
        }
        ContainerRunnerApp a = new ContainerRunnerApp();
        a.configure(c);
        return new App(a, ActionRegistry.of(a), audit);
    }

    private static Map<String, Object> withCredentials() {
        return TestRegistry.registries(passwordFile);
    }

    private static boolean logged(TestContext ctx, String start) {
        return ctx.lines.stream().anyMatch(l -> l.startsWith("SYSTEM " + start));
    }

    private static double seconds(long sinceNanos) {
        return Math.round((System.nanoTime() - sinceNanos) / 1e6) / 1000.0;
    }

    @Test
    void aPrivateImageIsPulledWithTheConfiguredCredentialsAndRuns() throws IOException {
        String image = TestRegistry.freshImage(30);
        try (App a = app("registries", withCredentials())) {
            TestContext first = new TestContext("first");
            long t0 = System.nanoTime();
            Map<String, Object> r = a.call(first, "image", image, "command", List.of("sh", "-c", "wc -c < /blob"));
            double firstSeconds = seconds(t0);
            assertEquals(true, r.get("success"), String.valueOf(r));
            assertEquals("30000000", ((String) r.get("stdout")).strip());
            assertTrue(logged(first, "pulling " + image + " from registry " + TestRegistry.HOST + " with credentials from registries["
                    + TestRegistry.HOST + "] password_file " + passwordFile), first.lines.toString());
            assertTrue(logged(first, "pull finished in "), first.lines.toString());
            String digest = (String) r.get("image_digest");
            assertTrue(digest.startsWith(TestRegistry.HOST + "/test/fresh@sha256:"), digest);
            long progressLines = first.lines.stream().filter(l -> l.startsWith("SYSTEM pulling " + image + ": ")).count();
            assertTrue(progressLines <= firstSeconds / 2 + 1, "at most one progress line every 2 s: " + first.lines);

            TestContext cached = new TestContext("cached");
            t0 = System.nanoTime();
            Map<String, Object> again = a.call(cached, "image", image, "command", List.of("true"));
            double cachedSeconds = seconds(t0);
            assertEquals(true, again.get("success"));
            assertFalse(logged(cached, "pulling "), "if_not_present does not pull an image the engine has: " + cached.lines);
            assertEquals(digest, again.get("image_digest"));

            TestContext always = new TestContext("always");
            t0 = System.nanoTime();
            Map<String, Object> unchanged = a.call(always, "image", image, "command", List.of("true"), "pull_policy", "always");
            double alwaysSeconds = seconds(t0);
            assertEquals(true, unchanged.get("success"));
            assertTrue(logged(always, "pulling " + image), "always pulls every time");
            assertEquals(digest, unchanged.get("image_digest"));
            System.out.printf("MEASURED pulls of a 30 MB private image (wall time of the run action incl. the container):"
                    + " first pull %.3f s (%s), cached if_not_present %.3f s, always without change %.3f s (%s)%n",
                    firstSeconds, pullLine(first), cachedSeconds, alwaysSeconds, pullLine(always));

            List<Map<String, Object>> audit = a.auditLines();
            assertEquals(3, audit.size());
            for (Map<String, Object> line : audit) {
                assertEquals(TestRegistry.HOST, line.get("registry"));
                assertEquals("registries[" + TestRegistry.HOST + "] password_file " + passwordFile, line.get("credential"));
                assertEquals(digest, line.get("image_digest"), "the audit line carries the digest that ran");
            }
            String everything = Files.readString(a.audit()) + first.lines + cached.lines + always.lines + r + again + unchanged;
            assertFalse(everything.contains(TestRegistry.password()), "the password appears nowhere");
        } finally {
            TestRegistry.removeLocal(image);
        }
    }

    private static String pullLine(TestContext ctx) {
        return ctx.lines.stream().filter(l -> l.startsWith("SYSTEM pull finished in ")).findFirst().orElse("-").substring(7);
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailureThatCreatesNothingAndShowsThePasswordNowhere() throws IOException {
        String wrong = "wrong-" + UUID.randomUUID();
        Path wrongFile = dir.resolve("wrong.password");
        Files.writeString(wrongFile, wrong);
        TestRegistry.removeLocal(TestRegistry.BUSYBOX);
        TestContext ctx = CallObjects.uniqueContext("wrong");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ImageNotAvailableException e;
        try (App a = app("registries", TestRegistry.registries(wrongFile))) {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
            try {
                e = assertThrows(ImageNotAvailableException.class, () -> a.call(ctx, "image", TestRegistry.BUSYBOX,
                        "command", List.of("true")));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason());
            Map<String, Object> fields = new java.util.HashMap<>(Map.of("failure_reason", "image_auth_failed",
                    "usage_unavailable_reason", "not_started"));
            fields.put("usage", null); // a thrown run: nothing ran, so nothing was measured
            assertEquals(fields, e.resultFields());
            assertTrue(e.getMessage().contains("image " + TestRegistry.BUSYBOX + ": pull failed: registry " + TestRegistry.HOST
                    + " refused the credentials from registries[" + TestRegistry.HOST + "] password_file " + wrongFile), e.getMessage());
            assertTrue(e.getMessage().contains("unauthorized"), e.getMessage());
            assertEquals(0, labelledObjects(ctx), "nothing was created");
            Map<String, Object> audit = a.auditLines().get(0);
            assertEquals("error", audit.get("outcome"));
            assertEquals("registries[" + TestRegistry.HOST + "] password_file " + wrongFile, audit.get("credential"));

            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            String everything = trace + "\n" + ctx.lines + "\n" + Files.readString(a.audit()) + "\n" + console;
            for (String secret : List.of(wrong, TestRegistry.password(), base64(TestRegistry.USER + ":" + wrong))) {
                assertFalse(everything.contains(secret), "a password in an output:\n" + everything);
            }
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutCredentialsThePullIsRefusedAsAnAuthenticationFailure() {
        TestRegistry.removeLocal(TestRegistry.BUSYBOX);
        try (App a = app()) {
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class, () -> a.call(new TestContext("anon"),
                    "image", TestRegistry.BUSYBOX, "command", List.of("true")));
            assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason());
            assertTrue(e.getMessage().contains("registry " + TestRegistry.HOST + " requires credentials and none are configured"),
                    e.getMessage());
        }
    }

    @Test
    void aMissingTagIsNotFound() {
        try (App a = app("registries", withCredentials())) {
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class, () -> a.call(new TestContext("tag"),
                    "image", TestRegistry.HOST + "/test/busybox:no-such-tag", "command", List.of("true")));
            assertEquals(Optional.of(FailureReason.IMAGE_NOT_FOUND), e.reason());
            assertTrue(e.getMessage().contains("has no such image"), e.getMessage());
        }
    }

    @Test
    void aStoppedRegistryIsUnreachableWithinSeconds() {
        TestRegistry.removeLocal(TestRegistry.BUSYBOX);
        try (App a = app("registries", withCredentials())) {
            TestRegistry.stop();
            long t0 = System.nanoTime();
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class, () -> a.call(new TestContext("down"),
                    "image", TestRegistry.BUSYBOX, "command", List.of("true")));
            double took = seconds(t0);
            assertEquals(Optional.of(FailureReason.REGISTRY_UNREACHABLE), e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("registry " + TestRegistry.HOST + " cannot be reached"), e.getMessage());
            assertTrue(took < 30, "bounded: " + took + " s");
            System.out.printf("MEASURED registry stopped: failed as registry_unreachable after %.3f s%n", took);
        } finally {
            TestRegistry.start();
        }
    }

    @Test
    void whenTheTagMovesTheNextAlwaysRunRunsTheNewDigest() {
        String moving = TestRegistry.HOST + "/test/moving:" + UUID.randomUUID().toString().substring(0, 12);
        TestRegistry.push(TestImages.BUSYBOX, moving);
        try (App a = app("registries", withCredentials())) {
            Map<String, Object> before = a.call(new TestContext("m1"), "image", moving, "pull_policy", "always",
                    "command", List.of("sh", "-c", WHICH));
            assertEquals("busybox\n", before.get("stdout"), String.valueOf(before));
            TestRegistry.push(TestImages.PYTHON, moving);
            Map<String, Object> after = a.call(new TestContext("m2"), "image", moving, "pull_policy", "always",
                    "command", List.of("sh", "-c", WHICH));
            assertEquals("python\n", after.get("stdout"), "the new image ran: " + after);
            String repo = moving.substring(0, moving.lastIndexOf(':'));
            assertTrue(((String) before.get("image_digest")).startsWith(repo + "@sha256:"), String.valueOf(before));
            assertTrue(((String) after.get("image_digest")).startsWith(repo + "@sha256:"), String.valueOf(after));
            assertNotEquals(before.get("image_digest"), after.get("image_digest"));
        } finally {
            TestRegistry.removeLocal(moving);
        }
    }

    @Test
    void eightTasksNeedingOneMissingImageShareOnePull() throws Exception {
        String image = TestRegistry.freshImage(30);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (App a = app("registries", withCredentials())) {
            CountDownLatch go = new CountDownLatch(1);
            List<TestContext> contexts = new ArrayList<>();
            List<Future<Map<String, Object>>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                TestContext ctx = new TestContext("t" + i);
                contexts.add(ctx);
                runs.add(pool.submit(() -> {
                    go.await();
                    return a.call(ctx, "image", image, "command", List.of("true"));
                }));
            }
            go.countDown();
            for (Future<Map<String, Object>> run : runs) {
                assertEquals(true, run.get(120, TimeUnit.SECONDS).get("success"));
            }
            long pullers = contexts.stream().filter(c -> logged(c, "pulling " + image + " from registry")).count();
            long waiters = contexts.stream().filter(c -> logged(c, "waiting for the pull of " + image)).count();
            assertEquals(1, pullers, "one pull for eight tasks");
            assertEquals(7, waiters, "the other seven waited for it");
            assertTrue(contexts.stream().allMatch(c -> logged(c, "pull finished in ")), "every waiting task saw it finish");
        } finally {
            pool.shutdownNow();
            TestRegistry.removeLocal(image);
        }
    }

    @Test
    void requireDigestAdmitsOnlyDigestReferences() {
        String digestRef;
        try (App a = app("registries", withCredentials())) {
            digestRef = (String) a.call(new TestContext("d0"), "image", TestRegistry.BUSYBOX, "command", List.of("true"))
                    .get("image_digest");
        }
        assertTrue(digestRef.startsWith(TestRegistry.HOST + "/test/busybox@sha256:"), digestRef);
        TestRegistry.removeLocal(TestRegistry.BUSYBOX, digestRef);
        try (App a = app("registries", withCredentials(), "require_digest", true)) {
            PolicyDeniedException tag = assertThrows(PolicyDeniedException.class, () -> a.call(new TestContext("d1"),
                    "image", TestRegistry.BUSYBOX, "command", List.of("true")));
            assertTrue(tag.getMessage().contains("require_digest: true"), tag.getMessage());
            assertThrows(NotFoundException.class, () -> TestRegistry.docker().inspectImageCmd(TestRegistry.BUSYBOX).exec(),
                    "a refused reference pulls nothing");
            Map<String, Object> pinned = a.call(new TestContext("d2"), "image", digestRef, "command", List.of("sh", "-c", WHICH));
            assertEquals("busybox\n", pinned.get("stdout"), String.valueOf(pinned));
            assertEquals(digestRef, pinned.get("image_digest"));
        }
        try (App a = app("registries", withCredentials(), "require_digest", true, "allowed_images", List.of(digestRef))) {
            assertEquals(true, a.call(new TestContext("d3"), "image", digestRef, "command", List.of("true")).get("success"),
                    "an allowlist entry may pin the digest");
            String other = TestRegistry.HOST + "/test/busybox@sha256:" + "0".repeat(64);
            assertThrows(PolicyDeniedException.class, () -> a.call(new TestContext("d4"), "image", other, "command",
                    List.of("true")));
        } finally {
            TestRegistry.removeLocal(digestRef);
        }
    }

    /** Accepts connections and never answers: a registry that hangs. */
    private static final class Tarpit implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        Tarpit() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "tarpit");
            t.setDaemon(true);
            t.start();
        }

        String host() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aPullLongerThanPullTimeoutSecondsFailsAsATimeout() throws IOException {
        try (Tarpit tarpit = new Tarpit(); App a = app("allowed_images", List.of(tarpit.host() + "/test/*:*"),
                "pull_timeout_seconds", 2)) {
            long t0 = System.nanoTime();
            ImageNotAvailableException e = assertThrows(ImageNotAvailableException.class, () -> a.call(new TestContext("slow"),
                    "image", tarpit.host() + "/test/slow:1", "command", List.of("true")));
            double took = seconds(t0);
            assertEquals(Optional.of(FailureReason.PULL_TIMEOUT), e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("(pull_timeout_seconds 2); it was stopped"), e.getMessage());
            assertTrue(took >= 2 && took < 10, took + " s");
        }
    }

    @Test
    void aTaskCancelledWhileItsImageIsPulledEndsCancelledAtOnce() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Tarpit tarpit = new Tarpit(); App a = app("allowed_images", List.of(tarpit.host() + "/test/*:*"),
                "pull_timeout_seconds", 120)) {
            TestContext ctx = new TestContext("cancel");
            Supplier<Map<String, Object>> run = () -> a.call(ctx, "image", tarpit.host() + "/test/slow:1", "command",
                    List.of("true"));
            Future<Map<String, Object>> result = pool.submit(run::get);
            Thread.sleep(1500);
            assertFalse(result.isDone(), "still pulling");
            long t0 = System.nanoTime();
            ctx.cancellation.cancel();
            Map<String, Object> r = result.get(10, TimeUnit.SECONDS);
            double took = seconds(t0);
            assertEquals(false, r.get("success"));
            assertEquals("the task was cancelled before the container started", r.get("error"));
            assertEquals(null, r.get("container_id"), "nothing was created");
            assertTrue(took < 5, took + " s");
            assertEquals("cancelled", a.auditLines().get(0).get("outcome"));
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same app configuration keys, refused at start (exit 2 in the CLI). */
    @Test
    void credentialsTheAllowlistCanNeverUseAreRefusedAtStart() {
        Map<String, Object> c = new HashMap<>(baseConfig());
        c.put("registries", withCredentials());
        ContainerRunnerApp refused = new ContainerRunnerApp();
        assertThrows(dev.containerrunner.spi.InvalidConfigurationException.class, () -> refused.configure(c),
                "allowed_images names no image of " + TestRegistry.HOST);
        refused.close();
    }
}
