package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.spi.InvalidKwargsException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 13 §6: working_dir, shm_size, ulimits and user, read at the edge. */
class ContainerKnobsTest {

    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("user", "4242:4343"));

    private static Map<String, Object> kwargs(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("image", "python:3.11-slim");
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static RunRequest read(Object... pairs) {
        return RunRequest.from("run_container", kwargs(pairs), CONFIG.requestDefaults());
    }

    @Test
    void leftOutTheyAreTheImagesAndTheEnginesAndTheConfiguredUser() {
        RunRequest r = read();
        assertEquals(Optional.empty(), r.workingDir());
        assertEquals(Optional.empty(), r.shmSize());
        assertEquals(List.of(), r.ulimits());
        assertEquals(new ContainerUser(4242, 4343), r.user());
    }

    @Test
    void eachIsReadIntoItsType() {
        RunRequest r = read("working_dir", "/work/here/", "shm_size", "128m", "memory_limit", "256m",
                "ulimits", Map.of("nofile", 4096), "user", "1500");
        assertEquals("/work/here", r.workingDir().orElseThrow().value());
        assertEquals(128L << 20, r.shmSize().orElseThrow().bytes());
        assertEquals(List.of(new Ulimit("nofile", 4096, 4096)), r.ulimits());
        assertEquals(new ContainerUser(1500, 1500), r.user(), "a uid alone: the same gid, as for the configured user");
        assertEquals(List.of(new Ulimit("nofile", 1024, 8192)),
                read("ulimits", Map.of("nofile", Map.of("soft", 1024, "hard", new BigInteger("8192")))).ulimits());
        assertEquals(new ContainerUser(1500, 1600), read("user", "1500:1600").user());
        assertEquals("nofile=1024:8192", new Ulimit("nofile", 1024, 8192).toString());
    }

    @Test
    void shmSizeMayEqualTheMemoryLimit() {
        assertEquals(64L << 20, read("shm_size", "64m", "memory_limit", "64m").shmSize().orElseThrow().bytes());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(kwargs("working_dir", "work"), "working_dir", "absolute"),
                Arguments.of(kwargs("working_dir", "/work/../etc"), "working_dir", "'..'"),
                Arguments.of(kwargs("working_dir", "/proc/1"), "working_dir", "/proc"),
                Arguments.of(kwargs("working_dir", "/dev/shm"), "working_dir", "/dev"),
                Arguments.of(kwargs("working_dir", 5), "working_dir", "must be a string"),
                Arguments.of(kwargs("shm_size", "lots"), "shm_size", "b, k, m or g"),
                Arguments.of(kwargs("shm_size", 64), "shm_size", "must be a string"),
                Arguments.of(kwargs("shm_size", "0"), "shm_size", "b, k, m or g"),
                Arguments.of(kwargs("shm_size", "1g"), "shm_size", "above memory_limit (512m)"),
                Arguments.of(kwargs("shm_size", "65m", "memory_limit", "64m"), "shm_size", "counts against the container's memory"),
                Arguments.of(kwargs("ulimits", List.of("nofile=5")), "ulimits", "must be a map"),
                Arguments.of(kwargs("ulimits", Map.of("nproc", 10)), "ulimits.nproc", "pids_limit"),
                Arguments.of(kwargs("ulimits", Map.of("core", 0)), "ulimits.core", "allowed: [nofile]"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", 63)), "ulimits.nofile", "at least 64"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", 1048577)), "ulimits.nofile", "at most 1048576"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", new BigInteger("18446744073709551680"))), "ulimits.nofile",
                        "at most 1048576"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", "4096")), "ulimits.nofile", "whole number"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", 4096.0)), "ulimits.nofile", "whole number"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", Map.of("soft", 2048, "hard", 1024))), "ulimits.nofile",
                        "soft (2048) must not be above hard (1024)"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", Map.of("soft", 2048))), "ulimits.nofile.hard", "is required"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", Map.of("hard", 2048))), "ulimits.nofile.soft", "is required"),
                Arguments.of(kwargs("ulimits", Map.of("nofile", Map.of("soft", 64, "hard", 64, "max", 1))), "ulimits.nofile.max",
                        "allowed keys"),
                Arguments.of(kwargs("user", "0"), "user", "must not be root"),
                Arguments.of(kwargs("user", "000:1"), "user", "must not be root"),
                Arguments.of(kwargs("user", "1000:0"), "user", "root group"),
                Arguments.of(kwargs("user", "root"), "user", "numeric ids"),
                Arguments.of(kwargs("user", " 1000"), "user", "numeric ids"),
                Arguments.of(kwargs("user", "01000"), "user", "leading zeros"),
                Arguments.of(kwargs("user", "4294967295"), "user", "out of range"),
                Arguments.of(kwargs("user", 1000), "user", "must be a string"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("refused")
    void badValuesNameTheParameter(Map<String, Object> kwargs, String parameter, String text) {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> RunRequest.from("run_container", kwargs, CONFIG.requestDefaults()));
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
