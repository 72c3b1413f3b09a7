package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.docker.DockerGateway.ImageConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.Lazy;
import dev.containerrunner.plugin.model.ContainerUser;
import dev.containerrunner.plugin.model.RunRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runner's secrets shim on Docker (source: {@code src/main/shim/secrets-shim.c}, a static
 * x86-64 binary built by {@code scripts/build-secrets-shim.sh}): why it exists and how it is used.
 *
 * <p>Docker 20.10 cannot put a file into a container's tmpfs from outside: its archive API writes
 * through the container's root file system on the host, so a file copied to a tmpfs path lands in
 * the writable layer on the engine's disk, hidden under the tmpfs (measured, created and running
 * containers alike). And {@code Config.Env} is shown by {@code docker inspect}. So the values travel
 * the one way that touches neither: the container's stdin (attach), to the shim, which runs first
 * as the container's entrypoint, writes {@code /run/secrets/NAME} into a tmpfs owned by the
 * container user (mode 0400), sets the {@code secret_env} variables in its own environment, and
 * then {@code execve}s the command the engine would have run (the request's command or the image's
 * entrypoint, then args or the image's cmd, looked up on PATH as runc does): same process, PID 1,
 * same signals, same stdin after the secrets (input_data), stdout and stderr.
 *
 * <p>The shim is copied (not a secret) into a per-run volume mounted at {@value #DIRECTORY}, owned
 * by root and not writable by the container user.
 */
final class SecretShim {

    /** Where the shim's volume is mounted. */
    static final String DIRECTORY = "/.container-runner";
    /** The shim in the container. */
    static final String PATH = DIRECTORY + "/secrets-shim";
    /** The one platform the shim is built for. */
    static final String PLATFORM = "linux/amd64";
    /** Options of the secrets tmpfs besides its owner: no devices, no set-uid, nothing executable, 2 MiB. */
    static final String TMPFS_OPTIONS = "rw,nosuid,nodev,noexec,size=2m,mode=0700";
    private static final String RESOURCE = "secrets-shim-amd64";
    private static final byte[] MAGIC = "CRSECRETS1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Lazy<byte[]> BINARY = new Lazy<>(SecretShim::load, b -> { });

    private SecretShim() {
    }

    /** The shim's bytes, checked against their recorded SHA-256 once. */
    static byte[] binary() {
        return BINARY.get();
    }

    private static byte[] load() {
        try (InputStream bin = SecretShim.class.getResourceAsStream(RESOURCE);
             InputStream sum = SecretShim.class.getResourceAsStream(RESOURCE + ".sha256")) {
            if (bin == null || sum == null) {
                throw new IllegalStateException("the secrets shim " + RESOURCE + " is missing from the plugin");
            }
            byte[] bytes = bin.readAllBytes();
            String expected = new String(sum.readAllBytes(), StandardCharsets.US_ASCII).strip();
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            if (!actual.equals(expected)) {
                throw new IllegalStateException("the secrets shim " + RESOURCE + " does not match its recorded SHA-256");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the secrets shim", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Checks that the shim can run in {@code image}'s containers.
     *
     * @throws ContainerEngineException naming the image and both platforms when it cannot
     */
    static void checkPlatform(String image, ImageConfig config) {
        String platform = config.os() + "/" + config.architecture();
        if (!PLATFORM.equals(platform)) {
            throw new ContainerEngineException("secrets", "image " + image + " is " + platform + ", but the runner's secrets"
                    + " shim, which delivers secrets on Docker, is built for " + PLATFORM + " only", null);
        }
    }

    /**
     * The command the engine would run for {@code request} on {@code image}: the request's
     * {@code command} or the image's entrypoint, then {@code args}, or the image's cmd when neither
     * {@code command} nor {@code args} is given (the engine's own rule).
     *
     * @throws ContainerEngineException when that is empty (the engine says "No command specified")
     */
    static List<String> command(RunRequest request, ImageConfig image) {
        List<String> argv = new ArrayList<>(request.command().orElse(image.entrypoint()));
        if (!request.args().isEmpty()) {
            argv.addAll(request.args());
        } else if (request.command().isEmpty()) {
            argv.addAll(image.cmd());
        }
        if (argv.isEmpty()) {
            throw new ContainerEngineException("create container", "No command specified: the image has no entrypoint"
                    + " or cmd and the task gives no command", null);
        }
        return argv;
    }

    /** The container's entrypoint: the shim, then {@code command}. */
    static List<String> entrypoint(List<String> command) {
        List<String> e = new ArrayList<>(List.of(PATH, "--"));
        e.addAll(command);
        return e;
    }

    /** The secrets tmpfs's options: {@link #TMPFS_OPTIONS}, owned by {@code user}. */
    static String tmpfsOptions(ContainerUser user) {
        return TMPFS_OPTIONS + ",uid=" + user.uid() + ",gid=" + user.gid();
    }

    /**
     * What the container's stdin carries: the shim's header with {@code files} (secret name to
     * value) and {@code environment} (variable to value), then {@code input} when there is some.
     * The caller clears the array after the run.
     */
    static byte[] stdin(Map<String, byte[]> files, Map<String, byte[]> environment, Optional<byte[]> input) {
        int size = MAGIC.length + 4 + input.map(i -> i.length).orElse(0);
        for (Map<String, byte[]> m : List.of(files, environment)) {
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                size += 3 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + e.getValue().length;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).putInt(files.size() + environment.size());
        files.forEach((name, value) -> entry(b, 'F', name, value));
        environment.forEach((name, value) -> entry(b, 'E', name, value));
        input.ifPresent(b::put);
        return b.array();
    }

    private static void entry(ByteBuffer b, char kind, String name, byte[] value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.put((byte) kind).putShort((short) n.length).put(n).putInt(value.length).put(value);
    }
}
