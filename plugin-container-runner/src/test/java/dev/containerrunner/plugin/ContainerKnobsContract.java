package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §6 and issue 14 §6 as behaviour every backend shows on its real engine or cluster
 * (mixed into {@link BackendContract}): working_dir, shm_size (usable, and counted in the memory
 * limit), a per-task user from allowed_users, ulimits (or their refusal where a backend has none),
 * and the refusal of paths a mount would hide.
 *
 * <p>The implementing contract configures {@code allowed_users: ["1000-1999"]},
 * {@code max_shm_size: 128m} and {@code max_ulimits: {nofile: 4096}}.
 */
public interface ContainerKnobsContract {

    String BB = TestImages.BUSYBOX;

    /** Calls {@code action} as an engine would. */
    Map<String, Object> run(String action, TestContext ctx, Object... kv);

    /** Objects of the backend that a call with {@code ctx} could have made (its workflow, run and task labels). */
    int labelled(TestContext ctx);

    /** Whether the backend can set ulimits (Kubernetes cannot: a pod has no field for them). */
    default boolean ulimitsSupported() {
        return true;
    }

    @Test
    default void workingDirIsWhereTheCommandRunsAndCanBeARunDirectory() {
        Map<String, Object> r = run("run_container", new TestContext("wd"), "image", BB, "working_dir", "/work/here",
                "command", List.of("pwd"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("/work/here\n", r.get("stdout"));
        Map<String, Object> out = run("run_with_input", new TestContext("wd-out"), "image", BB, "working_dir", "/out",
                "command", List.of("sh", "-c", "pwd; cat in.txt > result.txt; echo written >> result.txt"),
                "input_file", Map.of("path", "/out/in.txt", "content", "relative "), "output_file", "/out/result.txt");
        assertEquals(true, out.get("success"), String.valueOf(out));
        assertEquals("/out\n", out.get("stdout"));
        assertEquals("relative written\n", out.get("output_file_content"), "the user can write its working directory");
    }

    @Test
    default void shmSizeGivesTheUserAWritableDevShm() {
        Map<String, Object> r = run("run_container", new TestContext("shm"), "image", BB, "shm_size", "16m", "memory_limit", "64m",
                "command", List.of("sh", "-c", "dd if=/dev/zero of=/dev/shm/block bs=1024 count=8192 2>/dev/null;"
                        + " wc -c < /dev/shm/block; stat -c %u /dev/shm/block"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("8388608\n65534\n", r.get("stdout"));
    }

    /** /dev/shm is memory: 40 MiB there and 40 MiB in the process do not fit a 64 MiB limit, whatever shm_size says. */
    @Test
    default void whatIsWrittenToDevShmCountsAgainstTheMemoryLimit() {
        String program = "open('/dev/shm/x', 'wb').write(b'a' * (40 << 20)); b = bytearray(40 << 20); print('survived')";
        Map<String, Object> r = Map.of();
        for (int attempt = 0; attempt < 3 && !Boolean.TRUE.equals(r.get("oom_killed")); attempt++) {
            // on cgroup v1 the engine occasionally loses the OOM event (see RunActionsIT.untilOomReported)
            r = run("run_container", new TestContext("shm-oom" + attempt), "image", TestImages.PYTHON, "shm_size", "64m",
                    "memory_limit", "64m", "command", List.of("python3", "-c", program), "timeout_seconds", 60);
            assertEquals(false, r.get("success"), String.valueOf(r));
            assertFalse(String.valueOf(r.get("stdout")).contains("survived"), String.valueOf(r));
        }
        assertEquals(true, r.get("oom_killed"), String.valueOf(r));
        Map<String, Object> fits = run("run_container", new TestContext("shm-fits"), "image", TestImages.PYTHON,
                "shm_size", "64m", "memory_limit", "160m", "command", List.of("python3", "-c", program), "timeout_seconds", 60);
        assertEquals(true, fits.get("success"), String.valueOf(fits));
        assertEquals("survived\n", fits.get("stdout"));
    }

    @Test
    default void aTaskRunsAsAnAllowedUserThatOwnsItsFiles() {
        Map<String, Object> r = run("run_with_input", new TestContext("user"), "image", BB, "user", "1500:1600",
                "command", List.of("sh", "-c", "id -u; id -g; tr a-z A-Z < /in/data.txt > /out/result.txt; stat -c %u:%g /out/result.txt"),
                "input_file", Map.of("path", "/in/data.txt", "content", "mine"), "output_file", "/out/result.txt");
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("1500\n1600\n1500:1600\n", r.get("stdout"));
        assertEquals("MINE", r.get("output_file_content"));
        Map<String, Object> uidAlone = run("run_container", new TestContext("user-alone"), "image", BB, "user", "1999",
                "command", List.of("sh", "-c", "id -u; id -g"));
        assertEquals("1999\n1999\n", uidAlone.get("stdout"), "a uid alone: the same gid");
    }

    @Test
    default void aUserOutsideAllowedUsersIsDeniedAndRootIsInvalidCreatingNothing() {
        TestContext deniedCtx = CallObjects.uniqueContext("user-denied");
        TestContext rootCtx = CallObjects.uniqueContext("user-root");
        PolicyDeniedException denied = assertThrows(PolicyDeniedException.class, () -> run("run_container",
                deniedCtx, "image", BB, "user", "2000", "command", List.of("true")));
        assertEquals("user", denied.parameter());
        assertTrue(denied.getMessage().contains("allowed_users [1000-1999:1000-1999]"), denied.getMessage());
        for (String root : List.of("0", "0:0", "1500:0", "00")) {
            InvalidKwargsException invalid = assertThrows(InvalidKwargsException.class, () -> run("run_container",
                    rootCtx, "image", BB, "user", root, "command", List.of("true")));
            assertEquals("user", invalid.parameter(), root);
        }
        assertEquals(0, labelled(deniedCtx) + labelled(rootCtx), "objects of the refused calls");
    }

    @Test
    default void ulimitsSetNofileWhereTheBackendCan() {
        if (!ulimitsSupported()) {
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> run("run_container",
                    new TestContext("ulimit-refused"), "image", BB, "ulimits", Map.of("nofile", 1024), "command", List.of("true")));
            assertEquals("ulimits", e.parameter());
            assertTrue(e.getMessage().contains("a pod has no field for them"), e.getMessage());
            return;
        }
        Map<String, Object> r = run("run_container", new TestContext("ulimit"), "image", BB,
                "ulimits", Map.of("nofile", Map.of("soft", 100, "hard", 200)), "command", List.of("sh", "-c", "ulimit -n; ulimit -Hn"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("100\n200\n", r.get("stdout"));
        Map<String, Object> both = run("run_container", new TestContext("ulimit-both"), "image", BB,
                "ulimits", Map.of("nofile", 4096), "command", List.of("sh", "-c", "ulimit -n; ulimit -Hn"));
        assertEquals("4096\n4096\n", both.get("stdout"));
        PolicyDeniedException above = assertThrows(PolicyDeniedException.class, () -> run("run_container",
                new TestContext("ulimit-max"), "image", BB, "ulimits", Map.of("nofile", 4097), "command", List.of("true")));
        assertEquals("ulimits.nofile", above.parameter());
    }

    /** Issue 14: a writable_dir where the input file should be would hide it: refused before anything exists. */
    @Test
    default void aRunDirectoryOnAFilePathIsRefusedCreatingNothing() {
        TestContext hiddenCtx = CallObjects.uniqueContext("hidden");
        TestContext hostsCtx = CallObjects.uniqueContext("hosts");
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> run("run_with_input",
                hiddenCtx, "image", BB, "command", List.of("cat", "/a/in.txt"),
                "input_file", Map.of("path", "/a/in.txt", "content", "x"), "writable_dirs", List.of("/a/in.txt")));
        assertEquals("input_file.path", e.parameter());
        InvalidKwargsException hosts = assertThrows(InvalidKwargsException.class, () -> run("run_with_input",
                hostsCtx, "image", BB, "command", List.of("cat", "/etc/hosts"),
                "input_file", Map.of("path", "/etc/hosts", "content", "10.0.0.1 mine")));
        assertEquals("input_file.path", hosts.parameter());
        assertEquals(0, labelled(hiddenCtx) + labelled(hostsCtx), "objects of the refused calls");
    }

    /** Issue 14: run directories nested in one another compose: every file arrives and comes back exactly. */
    @Test
    default void nestedRunDirectoriesCompose() {
        TestContext ctx = new TestContext("nested");
        Map<String, Object> r = run("run_with_input", ctx, "image", BB,
                "command", List.of("sh", "-c", "cat /work/in/data.txt; echo out > /work/out/x.txt; echo top > /work/top.txt"),
                "input_file", Map.of("path", "/work/in/data.txt", "content", "nested input\n"), "output_file", "/work/out/x.txt",
                "writable_dirs", List.of("/work"));
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("nested input\n", r.get("stdout"));
        assertEquals("out\n", r.get("output_file_content"));
    }

    /**
     * Issue 13 §5: a container the runtime cannot start says why in the live log and in the failure, in the
     * runtime's words (Docker refuses the start: the action fails; the kubelet reports the container
     * terminated with ContainerCannotRun: the result fails with that message; the words are the runtime's).
     */
    @Test
    default void aCommandThatCannotStartSaysWhyInTheLiveLog() {
        TestContext ctx = new TestContext("nostart");
        String reason;
        try {
            Map<String, Object> r = run("run_container", ctx, "image", BB, "command", List.of("-c"));
            assertEquals(false, r.get("success"), String.valueOf(r));
            reason = String.valueOf(r.get("error"));
        } catch (dev.containerrunner.plugin.execution.ContainerEngineException e) {
            reason = e.getMessage();
        }
        // runc: exec: "-c": executable file not found in $PATH; gVisor: error finding executable "-c" in PATH [...]
        assertTrue(reason.matches("(?s).*(\"-c\": executable file not found|error finding executable \"-c\").*"), reason);
        assertFalse(reason.contains("{\"message\""), "the engine's JSON is unwrapped: " + reason);
        String logged = reason;
        assertTrue(ctx.lines.stream().anyMatch(l -> l.startsWith("SYSTEM ") && l.contains(logged)), String.valueOf(ctx.lines));
    }
}
