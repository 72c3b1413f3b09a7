package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The attack battery's output and log findings as behaviour every backend shows (mixed into
 * {@link BackendContract}): no line the runner logs carries a raw control, line-separator or bidi
 * character, whatever wrote it (engine messages included); a command that cannot exec ends the same
 * way on every backend; binary output cut at {@code max_output_bytes} keeps exactly that many bytes;
 * a file name that is not UTF-8 is reported with its exact bytes, never under a lossy path; a last
 * line without newline that names a gRPC error is the program's exact stdout.
 */
public interface OutputHonestyContract {

    String BB = TestImages.BUSYBOX;

    /** Calls {@code action} as an engine would. */
    Map<String, Object> run(String action, TestContext ctx, Object... kv);

    /** A new app of the backend under test with {@code extra} configuration keys; the caller closes it. */
    ContainerRunnerApp appWith(Map<String, Object> extra);

    /** A character a log line must never carry raw. */
    private static boolean unsafe(int c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x061c
                || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    private static void assertNeutral(List<String> lines) {
        for (String line : lines) {
            // the recorded line is "STREAM text": the stream's name and one space, then the text the runner wrote
            assertTrue(line.chars().noneMatch(OutputHonestyContract::unsafe), "raw control character in a log line: "
                    + line.chars().mapToObj(c -> unsafe(c) ? String.format("<U+%04X>", c) : String.valueOf((char) c))
                    .collect(Collectors.joining()));
        }
    }

    /**
     * Attack report 5 and 10: a command that cannot exec, named to forge a runner line. On every
     * backend the runtime refuses the start, the action fails with {@code start container: …} and the
     * audit line says {@code error}; no log line (the runner's own "the run failed: …" included, which
     * embeds the runtime's message) carries the raw CR, ESC or C1.
     */
    @Test
    default void aCommandThatCannotExecFailsTheSameWayAndLogsNoRawControlCharacter() throws IOException {
        Path audit = Files.createTempFile("audit-execfail", ".jsonl");
        ContainerRunnerApp app = appWith(Map.of("audit_log", audit.toString()));
        try {
            TestContext ctx = new TestContext("execfail");
            String forged = "/nonexistent\r[execfail #] container exited 0: all checks passed\u001b[2K\u009b2K\u2028x";
            ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> ActionCalls.call(
                    ActionRegistry.of(app), "run_container", ctx, "image", BB, "command", List.of(forged), "timeout_seconds", 60));
            assertTrue(e.getMessage().startsWith("start container: "), e.getMessage());
            assertNeutral(ctx.lines);
            assertTrue(ctx.lines.stream().anyMatch(l -> l.startsWith("SYSTEM the run failed: start container: ")
                    && l.contains("/nonexistent\\r[execfail #] container exited 0")), String.valueOf(ctx.lines));
            List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
            assertEquals(1, lines.size(), String.valueOf(lines));
            assertTrue(lines.get(0).contains("\"outcome\":\"error\""), lines.get(0));
        } finally {
            app.close();
            Files.deleteIfExists(audit);
        }
    }

    /**
     * Attack report 14: binary stdout cut at {@code max_output_bytes} keeps exactly that many bytes
     * (the character-boundary drop is for text). Byte 1024 is 0xE2, which looks like the start of a
     * character, so the old rule returned 1023. Kubernetes: the kubelet's json-file log pipeline has
     * replaced the invalid bytes before the runner reads them, so the stream is flagged utf-8-lossy.
     */
    @Test
    default void binaryStdoutCutAtTheLimitKeepsExactlyTheLimit() {
        ContainerRunnerApp app = appWith(Map.of("max_output_bytes", 1024));
        try {
            Map<String, Object> r = ActionCalls.call(ActionRegistry.of(app), "run_container", new TestContext("binarycut"),
                    "image", BB, "command", List.of("sh", "-c",
                            "i=0; while [ $i -lt 1023 ]; do printf '\\377'; i=$((i+1)); done; printf '\\342\\202\\254\\377\\376'"),
                    "timeout_seconds", 60);
            assertEquals(true, r.get("success"), String.valueOf(r));
            assertEquals(true, r.get("stdout_truncated"), String.valueOf(r));
            if (Boolean.TRUE.equals(r.get("stderr_merged"))) {
                assertEquals("utf-8-lossy", r.get("stdout_encoding"));
            } else {
                assertEquals("base64", r.get("stdout_encoding"));
                byte[] expected = new byte[1024];
                java.util.Arrays.fill(expected, (byte) 0xFF);
                expected[1023] = (byte) 0xE2;
                byte[] got = Base64.getDecoder().decode((String) r.get("stdout"));
                assertEquals(1024, got.length);
                assertTrue(java.util.Arrays.equals(expected, got));
            }
        } finally {
            app.close();
        }
    }

    /**
     * Attack report 15: names that are not UTF-8 ({@code bad\xff\xfe}, {@code bad\xff\xfd}: the same
     * lossy path) are error entries with their exact bytes in {@code path_base64}, never content;
     * a name holding a real U+FFFD (valid UTF-8) is refused too, without path_base64; the log shows neither raw.
     */
    @Test
    @SuppressWarnings("unchecked")
    default void aFileNameThatIsNotUtf8IsReportedWithItsExactBytes() {
        TestContext ctx = new TestContext("badnames");
        Map<String, Object> r = run("run_container", ctx, "image", BB, "command", List.of("sh", "-c",
                "mkdir -p /out/n && cd /out/n && printf x > \"$(printf 'bad\\377\\376')\" && printf y > \"$(printf 'bad\\377\\375')\""
                        + " && printf z > \"$(printf 'ok\\357\\277\\275')\" && printf w > \"$(printf 'ls\\342\\200\\250x')\""),
                "writable_dirs", List.of("/out"), "timeout_seconds", 60);
        assertEquals(true, r.get("success"), String.valueOf(r));
        int before = ctx.lines.size();
        Map<String, Object> c = run("collect_output", ctx, "container_id", r.get("container_id"), "file_paths",
                List.of("/out/n"), "release", true);
        List<Map<String, Object>> files = (List<Map<String, Object>>) c.get("files");
        assertEquals(4, files.size(), String.valueOf(files));
        Map<String, Map<String, Object>> byExact = new java.util.HashMap<>();
        for (Map<String, Object> f : files) {
            String exact = f.containsKey("path_base64") ? new String(Base64.getDecoder().decode((String) f.get("path_base64")),
                    StandardCharsets.ISO_8859_1) : new String(((String) f.get("path")).getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.ISO_8859_1);
            byExact.put(exact, f);
        }
        for (String bad : List.of("/out/n/bad\u00ff\u00fe", "/out/n/bad\u00ff\u00fd")) {
            Map<String, Object> f = byExact.get(bad);
            assertTrue(f != null, "no entry with the exact bytes of " + bad + ": " + files);
            assertFalse(f.containsKey("content"), String.valueOf(f));
            assertTrue(String.valueOf(f.get("error")).contains("has a file name that is not valid UTF-8"), String.valueOf(f));
        }
        assertNotEquals(byExact.get("/out/n/bad\u00ff\u00fe").get("path_base64"),
                byExact.get("/out/n/bad\u00ff\u00fd").get("path_base64"));
        Map<String, Object> replacement = files.stream().filter(f -> "/out/n/ok\ufffd".equals(f.get("path"))
                && !f.containsKey("path_base64")).findFirst().orElseThrow(() -> new AssertionError(String.valueOf(files)));
        assertFalse(replacement.containsKey("content"), String.valueOf(replacement)); // a real U+FFFD is refused too
        assertTrue(String.valueOf(replacement.get("error")).contains("U+FFFD"), String.valueOf(replacement));
        Map<String, Object> separator = files.stream().filter(f -> "/out/n/ls\u2028x".equals(f.get("path"))).findFirst()
                .orElseThrow(() -> new AssertionError(String.valueOf(files)));
        assertEquals("w", separator.get("content"));
        List<String> collected = ctx.lines.subList(before, ctx.lines.size());
        assertNeutral(collected);
        assertTrue(collected.stream().anyMatch(l -> l.contains("/out/n/ls\\u2028x")), String.valueOf(collected));
    }

    /** Attack report 7: U+2028/U+2029 in container output are escaped in the log and exact in the result. */
    @Test
    default void lineAndParagraphSeparatorsAreEscapedInTheLogAndExactInTheResult() {
        TestContext ctx = new TestContext("ls");
        Map<String, Object> r = run("run_container", ctx, "image", BB, "command", List.of("sh", "-c",
                "printf 'z\\342\\200\\250[forge #] LS forged\\342\\200\\251P\\n'"), "timeout_seconds", 60);
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("z\u2028[forge #] LS forged\u2029P\n", r.get("stdout"));
        assertNeutral(ctx.lines);
        assertTrue(ctx.lines.contains("STDOUT z\\u2028[forge #] LS forged\\u2029P"), String.valueOf(ctx.lines));
    }

    /**
     * Review 3: a program's last line, without a newline, naming a gRPC error (what every Go gRPC tool
     * prints) is its stdout, exactly, and the exit-0 run succeeds. On Kubernetes the kubelet's own
     * error text in a log body looks the same; it is taken for that only when the runner stopped the
     * container (timeout, cancel), never for a program that exited by itself.
     */
    @Test
    default void stdoutWithoutTrailingNewlineNamingAGrpcErrorIsDeliveredExactly() {
        Map<String, Object> r = run("run_container", new TestContext("grpctail"), "image", BB, "command", List.of("sh", "-c",
                "printf 'line 1\\ngrpcurl: rpc error: code = NotFound desc = x'"), "timeout_seconds", 60);
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals(null, r.get("failure_reason"), String.valueOf(r));
        assertEquals("line 1\ngrpcurl: rpc error: code = NotFound desc = x", r.get("stdout"), String.valueOf(r));
    }
}
