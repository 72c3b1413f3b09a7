package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.docker.DockerGateway.ImageConfig;
import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.model.ContainerUser;
import dev.containerrunner.plugin.model.MemorySize;
import dev.containerrunner.plugin.model.RequestDefaults;
import dev.containerrunner.plugin.model.RunRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets shim: the command the engine would run, wrapped; and the shim binary itself, run on
 * this (x86-64 Linux) machine with its stdin protocol: files 0400 and never over an existing one,
 * variables, the command exec'd with the rest of stdin, its exit codes.
 */
class SecretShimTest {

    private static final RequestDefaults DEFAULTS = RequestDefaults.of(Duration.ofSeconds(300), MemorySize.parse("512m"), 1.0,
            ContainerUser.NOBODY);
    private static final ImageConfig PYTHON = new ImageConfig(List.of(), List.of("python3"), "amd64", "linux");
    private static final ImageConfig FFMPEG = new ImageConfig(List.of("ffmpeg"), List.of("-h"), "amd64", "linux");

    @TempDir
    Path dir;

    private static RunRequest request(Object... kv) {
        Map<String, Object> k = new HashMap<>();
        k.put("image", "python:3.11-slim");
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        return RunRequest.from("run_container", k, DEFAULTS);
    }

    @Test
    void theCommandIsWhatTheEngineWouldRun() {
        assertEquals(List.of("python3"), SecretShim.command(request(), PYTHON), "the image's cmd");
        assertEquals(List.of("ffmpeg", "-h"), SecretShim.command(request(), FFMPEG), "entrypoint + cmd");
        assertEquals(List.of("ffmpeg", "-i", "x"), SecretShim.command(request("args", List.of("-i", "x")), FFMPEG),
                "args replace the cmd");
        assertEquals(List.of("-c", "x"), SecretShim.command(request("args", List.of("-c", "x")), PYTHON));
        assertEquals(List.of("sh"), SecretShim.command(request("command", List.of("sh")), FFMPEG),
                "a command replaces the entrypoint and drops the image's cmd");
        assertEquals(List.of("sh", "-c", "x"), SecretShim.command(request("command", List.of("sh"), "args", List.of("-c", "x")),
                FFMPEG));
        assertThrows(ContainerEngineException.class, () -> SecretShim.command(request(),
                new ImageConfig(List.of(), List.of(), "amd64", "linux")));
        assertEquals(List.of(SecretShim.PATH, "--", "sh"), SecretShim.entrypoint(List.of("sh")));
    }

    @Test
    void onlyLinuxAmd64ImagesCanUseIt() {
        SecretShim.checkPlatform("x", PYTHON);
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> SecretShim.checkPlatform("arm:1",
                new ImageConfig(List.of(), List.of("sh"), "arm64", "linux")));
        assertTrue(e.getMessage().contains("image arm:1 is linux/arm64"), e.getMessage());
    }

    @Test
    void theTmpfsBelongsToTheUser() {
        assertEquals("rw,nosuid,nodev,noexec,size=2m,mode=0700,uid=1500,gid=1600",
                SecretShim.tmpfsOptions(ContainerUser.parse("1500:1600")));
    }

    private record Ran(int code, String stdout, String stderr) {
    }

    private Ran shim(byte[] stdin, String... command) throws IOException, InterruptedException {
        Path bin = dir.resolve("secrets-shim");
        Files.write(bin, SecretShim.binary());
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("r-x------"));
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        List<String> argv = new java.util.ArrayList<>(List.of(bin.toString(), "--dir", secrets.toString(), "--"));
        argv.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("PLAIN", "plain-value");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ran(p.waitFor(), out, err);
    }

    @Test
    void theShimWritesTheFilesSetsTheVariablesAndBecomesTheCommand() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("api_token", "tok-1\n\0bin".getBytes(StandardCharsets.UTF_8));
        files.put("db", "db-2".getBytes(StandardCharsets.UTF_8));
        byte[] stdin = SecretShim.stdin(files, Map.of("PGPASSWORD", "db-2".getBytes(StandardCharsets.UTF_8)),
                Optional.of("the input\n".getBytes(StandardCharsets.UTF_8)));
        Path secrets = dir.resolve("secrets");
        Ran r = shim(stdin, "sh", "-c", "echo \"$PGPASSWORD $PLAIN\"; stat -c '%a %n' " + secrets + "/*; stat -c %a " + secrets
                + "; cat; echo \"pid-is-shell=$([ $$ = $PPID ] && echo no || echo yes)\"");
        assertEquals(0, r.code(), r.stderr());
        assertEquals("db-2 plain-value\n400 " + secrets + "/api_token\n400 " + secrets + "/db\n500\nthe input\npid-is-shell=yes\n",
                r.stdout());
        assertEquals("tok-1\n\0bin", Files.readString(secrets.resolve("api_token")), "bytes exactly");
    }

    @Test
    void theShimRefusesBadInputAndReportsCommandsItCannotRun() throws Exception {
        byte[] ok = SecretShim.stdin(Map.of("a", "v".getBytes(StandardCharsets.UTF_8)), Map.of(), Optional.empty());
        Ran missing = shim(ok, "no-such-command-here");
        assertEquals(127, missing.code());
        assertEquals("container-runner secrets shim: exec: \"no-such-command-here\": executable file not found in $PATH\n",
                missing.stderr());
        Files.writeString(dir.resolve("secrets").resolve("a"), "there already");
        Ran exists = shim(ok, "true");
        assertEquals(125, exists.code(), "never over an existing file");
        assertTrue(exists.stderr().contains("cannot create"), exists.stderr());
        Ran truncated = shim(java.util.Arrays.copyOf(ok, ok.length - 1), "true");
        assertEquals(125, truncated.code());
        assertTrue(truncated.stderr().contains("stdin ended before the secrets did"), truncated.stderr());
        Ran garbage = shim("hello".getBytes(StandardCharsets.UTF_8), "true");
        assertEquals(125, garbage.code());
        Ran nul = shim(SecretShim.stdin(Map.of(), Map.of("X", new byte[] {'a', 0}), Optional.empty()), "true");
        assertEquals(125, nul.code());
        assertTrue(nul.stderr().contains("holds a NUL byte"), nul.stderr());
    }

    @Test
    void theBinaryIsTheRecordedOne() {
        byte[] bin = SecretShim.binary();
        assertTrue(bin.length > 1000 && bin[0] == 0x7f && bin[1] == 'E' && bin[2] == 'L' && bin[3] == 'F', "an ELF file");
        assertEquals(2, bin[4], "64-bit");
        assertEquals(62, bin[18], "x86-64");
    }
}
