package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** read_only_root_filesystem: the rootfs refuses writes, /tmp is a tmpfs, input and output files still work. */
class ReadOnlyRootIT extends DockerIT {

    @BeforeEach
    void readOnly() {
        app.close();
        Map<String, Object> config = baseConfig();
        config.put("read_only_root_filesystem", true);
        start(config);
    }

    @Test
    void rootIsReadOnlyWhileTmpInputAndOutputWork() {
        Map<String, Object> r = call("run_with_input", new TestContext("ro"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "touch /evil 2>/dev/null && echo rootfs-writable || echo rootfs-read-only;"
                        + " echo scratch > /tmp/s && cat /tmp/s; tr a-z A-Z < /in/data.txt > /out/result.txt"),
                "input_file", Map.of("path", "/in/data.txt", "content", "quiet"), "output_file", "/out/result.txt");
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("rootfs-read-only\nscratch\n", r.get("stdout"));
        assertEquals("QUIET", r.get("output_file_content"));
    }

    /** Issue 14: a run directory at /tmp replaces the tmpfs; the input is there and the output comes back exactly. */
    @Test
    void inputAndOutputFilesInTmpItselfArriveAndComeBackExactly() {
        Map<String, Object> r = call("run_with_input", new TestContext("ro-tmp"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "cat /tmp/in.txt; echo scratch > /tmp/scratch && cat /tmp/scratch;"
                        + " tr a-z A-Z < /tmp/in.txt > /tmp/out.txt"),
                "input_file", Map.of("path", "/tmp/in.txt", "content", "under tmp\n"), "output_file", "/tmp/out.txt");
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("under tmp\nscratch\n", r.get("stdout"), "the input is there, and /tmp stays writable for the user");
        assertEquals("UNDER TMP\n", r.get("output_file_content"));
    }

    /** Issue 14: a run directory below /tmp is mounted on top of the tmpfs (the engine mounts the shallower path first). */
    @Test
    void anOutputFileBelowTmpComesBackExactly() {
        Map<String, Object> r = call("run_with_input", new TestContext("ro-tmp-out"), "image", TestImages.BUSYBOX,
                "working_dir", "/tmp/out", "command", List.of("sh", "-c", "pwd; echo hello > /tmp/out/x.txt;"
                        + " echo scratch > /tmp/scratch && cat /tmp/scratch"),
                "output_file", "/tmp/out/x.txt");
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("/tmp/out\nscratch\n", r.get("stdout"), "the tmpfs is still there around the run directory");
        assertEquals("hello\n", r.get("output_file_content"));
        Map<String, Object> in = call("run_with_input", new TestContext("ro-tmp-in"), "image", TestImages.BUSYBOX,
                "command", List.of("cat", "/tmp/in/data.txt"), "input_file", Map.of("path", "/tmp/in/data.txt", "content", "deep"));
        assertEquals("deep", in.get("stdout"));
    }

    /** A working_dir inside the tmpfs would not exist at start (runc makes it root's, gVisor does not start): refused. */
    @Test
    void aWorkingDirInsideTheTmpfsIsRefusedCreatingNothing() {
        TestContext ctx = CallObjects.uniqueContext("ro-wd");
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> call("run_container",
                ctx, "image", TestImages.BUSYBOX, "working_dir", "/tmp/work", "command", List.of("pwd")));
        assertEquals("working_dir", e.parameter());
        assertTrue(e.getMessage().contains("list it in writable_dirs"), e.getMessage());
        assertEquals(0, labelledObjects(ctx), "objects of the refused call");
        Map<String, Object> tmp = call("run_container", new TestContext("ro-wd-tmp"), "image", TestImages.BUSYBOX,
                "working_dir", "/tmp", "command", List.of("sh", "-c", "pwd; echo x > here && cat here"));
        assertEquals("/tmp\nx\n", tmp.get("stdout"));
    }

    /** The same /tmp cases under gVisor, whose own mount handling differs from runc's. */
    @Test
    void tmpCasesHoldUnderGvisor() {
        app.close();
        Map<String, Object> config = baseConfig();
        config.put("read_only_root_filesystem", true);
        config.put("runtime", "runsc");
        config.put("pids_limit", 1024); // under gVisor the pids limit counts the sandbox's threads (see GvisorBehaviourIT)
        start(config);
        Map<String, Object> r = call("run_with_input", new TestContext("ro-gvisor"), "image", TestImages.BUSYBOX,
                "command", List.of("sh", "-c", "cat /tmp/in.txt; touch /evil 2>/dev/null && echo rootfs-writable"
                        + " || echo rootfs-read-only; echo out > /tmp/out/x.txt"),
                "input_file", Map.of("path", "/tmp/in.txt", "content", "gvisor\n"), "output_file", "/tmp/out/x.txt");
        assertEquals(true, r.get("success"), String.valueOf(r));
        assertEquals("gvisor\nrootfs-read-only\n", r.get("stdout"));
        assertEquals("out\n", r.get("output_file_content"));
    }

    @Test
    void anUnknownRuntimeIsAClearEngineError() {
        app.close();
        Map<String, Object> config = baseConfig();
        config.put("runtime", "no-such-runtime");
        start(config);
        ContainerEngineException e = assertThrows(ContainerEngineException.class, () -> call("run_container",
                new TestContext("runtime"), "image", TestImages.BUSYBOX, "command", List.of("true")));
        assertTrue(e.getMessage().contains("no-such-runtime"), e.getMessage());
    }
}
