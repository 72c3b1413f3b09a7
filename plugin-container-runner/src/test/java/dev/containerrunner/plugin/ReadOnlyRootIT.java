package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.TestContext;
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
