package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real private registry the registry tests use: the one {@code scripts/ensure-registry.sh up}
 * serves (override with CONTAINER_RUNNER_REGISTRY, _USER, _PASSWORD_FILE, _DIR as its {@code env}
 * prints). No mocks and no skipping: without it these tests fail and say how to start it. Test-side
 * work on the engine (push, retag, remove) goes through a docker-java client of its own and only
 * ever touches references in this registry.
 */
public final class TestRegistry {

    public static final String HOST = env("CONTAINER_RUNNER_REGISTRY", "registry.container-runner.test:5443");
    public static final String USER = env("CONTAINER_RUNNER_REGISTRY_USER", "alice");
    public static final Path DIR = Path.of(env("CONTAINER_RUNNER_REGISTRY_DIR", "/var/cache/container-runner/registry"));
    public static final Path PASSWORD_FILE = Path.of(env("CONTAINER_RUNNER_REGISTRY_PASSWORD_FILE",
            DIR.resolve(USER + ".password").toString()));
    /** Pushed by the script from {@link TestImages#BUSYBOX}. */
    public static final String BUSYBOX = HOST + "/test/busybox:1.35";
    /** Pushed by the script from {@link TestImages#PYTHON}. */
    public static final String PYTHON = HOST + "/test/python:3.11-slim";

    private static DockerClient docker;

    private TestRegistry() {
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Fails the test unless the registry answers as the script left it. */
    public static void requireRunning() {
        Script result = script("status");
        if (result.exit != 0) {
            fail("the test registry is not ready (" + result.output.strip() + "); run scripts/ensure-registry.sh up");
        }
    }

    /** alice's password, read from the script's file. */
    public static String password() {
        try {
            return Files.readString(PASSWORD_FILE).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PASSWORD_FILE + " (root only; scripts/ensure-registry.sh up)", e);
        }
    }

    /** The {@code registries} configuration for this registry with the password in {@code passwordFile}. */
    public static Map<String, Object> registries(Path passwordFile) {
        return Map.of(HOST, Map.of("username", USER, "password_file", passwordFile.toString()));
    }

    /** The test's own engine client. */
    public static synchronized DockerClient docker() {
        if (docker == null) {
            String host = env("DOCKER_HOST", "unix:///var/run/docker.sock");
            DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
            docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                    .sslConfig(config.getSSLConfig()).build());
        }
        return docker;
    }

    /**
     * Makes the engine forget the repositories of {@code refs} (all in this registry): every tag and
     * repo digest of those repositories, on whichever image carries them, so that the next run of
     * them really pulls and no other image (e.g. the local test image a tag was pushed from) keeps a
     * digest of this registry. Other names of the same images stay.
     */
    public static void removeLocal(String... refs) {
        List<String> repositories = new ArrayList<>();
        for (String ref : refs) {
            assertTrue(ref.startsWith(HOST + "/"), "only references of the test registry are removed: " + ref);
            int at = ref.indexOf('@');
            String name = at >= 0 ? ref.substring(0, at) : ref;
            int colon = name.lastIndexOf(':');
            repositories.add(colon > name.lastIndexOf('/') ? name.substring(0, colon) : name);
        }
        for (Image image : docker().listImagesCmd().withShowAll(true).exec()) {
            List<String> names = new ArrayList<>();
            Optional.ofNullable(image.getRepoTags()).ifPresent(t -> names.addAll(List.of(t)));
            Optional.ofNullable(image.getRepoDigests()).ifPresent(d -> names.addAll(List.of(d)));
            for (String name : names) {
                if (repositories.stream().anyMatch(r -> name.startsWith(r + ":") || name.startsWith(r + "@"))) {
                    try {
                        docker().removeImageCmd(name).exec();
                    } catch (NotFoundException e) {
                        // already gone
                    }
                }
            }
        }
    }

    /** Fails when a local test image still carries a tag or digest of this registry (tests must not leave them behind). */
    public static void assertLocalImagesUntouched() {
        for (String local : List.of(TestImages.BUSYBOX, TestImages.PYTHON)) {
            var image = docker().inspectImageCmd(local).exec();
            List<String> names = new ArrayList<>();
            Optional.ofNullable(image.getRepoTags()).ifPresent(names::addAll);
            Optional.ofNullable(image.getRepoDigests()).ifPresent(names::addAll);
            assertEquals(List.of(), names.stream().filter(n -> n.startsWith(HOST + "/")).toList(),
                    local + " keeps names of the test registry: its image_digest would name them");
        }
    }

    /** Pushes the local image {@code source} (name or id) as {@code target} (in this registry) and drops the local tag. */
    public static void push(String source, String target) {
        assertTrue(target.startsWith(HOST + "/"), target);
        int colon = target.lastIndexOf(':');
        String repository = target.substring(0, colon);
        String tag = target.substring(colon + 1);
        docker().tagImageCmd(source, repository, tag).withForce().exec();
        try {
            List<String> errors = new ArrayList<>();
            ResultCallback.Adapter<PushResponseItem> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(PushResponseItem item) {
                    if (item.getErrorDetail() != null) {
                        errors.add(item.getErrorDetail().getMessage());
                    }
                }
            };
            docker().pushImageCmd(repository).withTag(tag).withAuthConfig(new AuthConfig().withRegistryAddress(HOST)
                    .withUsername(USER).withPassword(password())).exec(callback);
            assertTrue(callback.awaitCompletion(120, TimeUnit.SECONDS), "push of " + target + " did not finish in 120 s");
            assertEquals(List.of(), errors, "push of " + target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            removeLocal(target);
        }
    }

    /**
     * A new image in the registry, {@code HOST/test/fresh:<random>}: {@link TestImages#BUSYBOX} plus a
     * layer of {@code megabytes} MB of random bytes, so pulling it really downloads. Nothing of it is
     * left on the engine.
     */
    public static String freshImage(int megabytes) {
        String target = HOST + "/test/fresh:" + UUID.randomUUID().toString().substring(0, 12);
        String container = docker().createContainerCmd(TestImages.BUSYBOX)
                .withCmd("sh", "-c", "head -c " + megabytes * 1_000_000 + " /dev/urandom > /blob").exec().getId();
        String image;
        try {
            docker().startContainerCmd(container).exec();
            assertEquals(0, docker().waitContainerCmd(container).start().awaitStatusCode(60, TimeUnit.SECONDS));
            image = docker().commitCmd(container).exec();
        } finally {
            docker().removeContainerCmd(container).withForce(true).exec();
        }
        try {
            push(image, target);
        } finally {
            try {
                docker().removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone with its last tag
            }
        }
        return target;
    }

    /** Stops the registry ({@code scripts/ensure-registry.sh down}). */
    public static void stop() {
        Script s = script("down");
        assertEquals(0, s.exit, s.output);
    }

    /** Starts it again ({@code scripts/ensure-registry.sh up}). */
    public static void start() {
        Script s = script("up");
        assertEquals(0, s.exit, s.output);
    }

    private record Script(int exit, String output) {
    }

    private static Script script(String command) {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        try {
            Process p = new ProcessBuilder(root.resolve("scripts/ensure-registry.sh").toString(), command)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("scripts/ensure-registry.sh " + command + " did not finish");
            }
            return new Script(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
