package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 14 §6: user-chosen paths that a mount would hide are refused, naming both sides; the rest compose. */
class RunPathsTest {

    private static Map<String, Object> kwargs(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("image", "python:3.11-slim");
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static RunRequest read(Map<String, Object> kwargs) {
        return RunRequest.from("run_with_input", kwargs, RunnerConfig.defaults().requestDefaults());
    }

    private static Map<String, Object> in(String path) {
        return Map.of("path", path, "content", "x");
    }

    static Stream<Arguments> collisions() {
        return Stream.of(
                Arguments.of(kwargs("input_file", in("/a/in.txt"), "writable_dirs", List.of("/a/in.txt")), "input_file.path",
                        "collides with writable_dirs[0] (/a/in.txt), which is mounted as a directory there"),
                Arguments.of(kwargs("input_file", in("/a/in.txt"), "writable_dirs", List.of("/b", "/a/in.txt/sub")),
                        "input_file.path", "collides with writable_dirs[1] (/a/in.txt/sub), which is mounted as a directory under it"),
                Arguments.of(kwargs("output_file", "/out/r.txt", "writable_dirs", List.of("/out/r.txt")), "output_file",
                        "collides with writable_dirs[0] (/out/r.txt)"),
                Arguments.of(kwargs("input_file", in("/a/b/c.txt"), "output_file", "/a/b"), "output_file",
                        "collides with input_file.path's directory (/a/b)"),
                Arguments.of(kwargs("input_file", in("/a/b"), "output_file", "/a/b/c.txt"), "input_file.path",
                        "collides with output_file's directory (/a/b)"),
                Arguments.of(kwargs("input_file", in("/etc/hosts")), "input_file.path", "is /etc/hosts, a file the engine mounts"),
                Arguments.of(kwargs("output_file", "/etc/resolv.conf"), "output_file", "is /etc/resolv.conf"),
                Arguments.of(kwargs("writable_dirs", List.of("/etc/hostname")), "writable_dirs[0]", "is /etc/hostname"),
                Arguments.of(kwargs("writable_dirs", List.of("/etc/hosts/d")), "writable_dirs[0]", "is under /etc/hosts"),
                Arguments.of(kwargs("working_dir", "/etc/hosts"), "working_dir", "is /etc/hosts"),
                Arguments.of(kwargs("working_dir", "/out/r.txt", "output_file", "/out/r.txt"), "working_dir",
                        "is output_file (/out/r.txt), a file, not a directory"),
                Arguments.of(kwargs("working_dir", "/in/x/y", "input_file", in("/in/x")), "working_dir",
                        "is under input_file.path (/in/x)"),
                Arguments.of(kwargs("writable_dirs", List.of("/dev/shm")), "writable_dirs[0]", "under /dev"),
                Arguments.of(kwargs("output_file", "/sys/x/y"), "output_file", "under /sys"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("collisions")
    void aPathAMountWouldHideIsRefusedNamingBoth(Map<String, Object> kwargs, String parameter, String text) {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> read(kwargs));
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void nestedAndSharedDirectoriesCompose() {
        RunRequest r = read(kwargs("input_file", in("/work/in/data.txt"), "output_file", "/work/r.txt",
                "writable_dirs", List.of("/work", "/work/out"), "working_dir", "/work/in"));
        assertEquals(List.of("/work/in", "/work", "/work/out"), r.runDirectories());
        RunRequest same = read(kwargs("input_file", in("/data/x.txt"), "output_file", "/data/x.txt", "writable_dirs",
                List.of("/data")));
        assertEquals(List.of("/data"), same.runDirectories(), "input and output in place: one directory");
        RunRequest tmp = read(kwargs("input_file", in("/tmp/in.txt"), "output_file", "/tmp/out/x.txt", "working_dir", "/tmp"));
        assertEquals(List.of("/tmp", "/tmp/out"), tmp.runDirectories());
        RunRequest etc = read(kwargs("input_file", in("/etc/app/app.conf"), "working_dir", "/etc/app"));
        assertEquals(List.of("/etc/app"), etc.runDirectories(), "/etc itself is not engine-managed, only its three files");
    }
}
