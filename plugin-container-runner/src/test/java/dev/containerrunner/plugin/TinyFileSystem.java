package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted on a fresh directory under the temp directory for one test (needs root, as
 * the integration tests have here); {@link #close()} unmounts it and removes the directory.
 */
final class TinyFileSystem implements AutoCloseable {

    final Path root;
    private boolean mounted;

    private TinyFileSystem(Path root) {
        this.root = root;
    }

    /** Mounts a tmpfs with {@code options}, e.g. {@code size=1m} or {@code ro,size=64k}. */
    static TinyFileSystem mount(String options) throws IOException, InterruptedException {
        TinyFileSystem fs = new TinyFileSystem(Files.createTempDirectory("container-runner-audit-fs"));
        run("mount", "-t", "tmpfs", "-o", options, "tmpfs", fs.root.toString());
        fs.mounted = true;
        return fs;
    }

    /** Writes a file until the file system is full; returns it (delete it to make room again). */
    Path fill() throws IOException {
        Path filler = root.resolve("filler");
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
                throw full;
            }
        }
        return filler;
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            run("umount", root.toString());
            mounted = false;
        }
        Files.deleteIfExists(root);
    }

}
