package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.spi.InvalidKwargsException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunRequestTest {

    private static final RunnerConfig CONFIG = RunnerConfig.defaults();

    private static Map<String, Object> kwargs(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("image", "python:3.11-slim");
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsComeFromConfiguration() {
        RunRequest r = RunRequest.from("run_container", kwargs(), CONFIG.requestDefaults());
        assertEquals(300, r.timeout().toSeconds());
        assertEquals(512L << 20, r.memory().bytes());
        assertEquals(1.0, r.cpu());
        assertEquals(NetworkMode.NONE, r.network());
        assertEquals(PullPolicy.IF_NOT_PRESENT, r.pullPolicy());
        assertTrue(r.command().isEmpty());
    }

    @Test
    void readsEverything() {
        RunRequest r = RunRequest.from("run_with_input", kwargs("command", List.of("python3", "-"), "args", List.of("a"),
                "environment", Map.of("A_1", "x"), "timeout_seconds", 5, "memory_limit", "1G", "cpu_limit", 0.25,
                "network", "bridge", "pull_policy", "never", "input_data", "hi",
                "input_file", Map.of("path", "/in/x.bin", "content", "AAEC", "encoding", "base64"), "output_file", "/out/r.txt"),
                CONFIG.requestDefaults());
        assertEquals(List.of("python3", "-"), r.command().orElseThrow());
        assertEquals(1L << 30, r.memory().bytes());
        assertEquals(NetworkMode.BRIDGE, r.network());
        assertEquals(PullPolicy.NEVER, r.pullPolicy());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), r.inputData().orElseThrow());
        assertArrayEquals(new byte[] {0, 1, 2}, r.inputFile().orElseThrow().content());
        assertEquals("/in", r.inputFile().orElseThrow().path().parent());
        assertEquals("/out/r.txt", r.outputFile().orElseThrow().value());
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of(kwargs("image", "Python:3"), "image", "lower-case"),
                Arguments.of(kwargs("image", 3), "image", "must be a string"),
                Arguments.of(kwargs("command", "echo hi"), "command", "list of strings"),
                Arguments.of(kwargs("command", List.of()), "command", "empty"),
                Arguments.of(kwargs("command", List.of("echo", 1)), "command[1]", "must be a string"),
                Arguments.of(kwargs("args", Map.of()), "args", "list of strings"),
                Arguments.of(kwargs("environment", Map.of("A", 1)), "environment.A", "must be a string"),
                Arguments.of(kwargs("environment", Map.of("1A", "x")), "environment.1A", "not a valid variable name"),
                Arguments.of(kwargs("environment", Map.of("A=B", "x")), "environment.A=B", "not a valid variable name"),
                Arguments.of(kwargs("environment", List.of("A=B")), "environment", "map of strings"),
                Arguments.of(kwargs("timeout_seconds", 0), "timeout_seconds", "at least 1"),
                Arguments.of(kwargs("timeout_seconds", -5), "timeout_seconds", "at least 1"),
                Arguments.of(kwargs("timeout_seconds", 2.5), "timeout_seconds", "whole number"),
                Arguments.of(kwargs("timeout_seconds", "10"), "timeout_seconds", "whole number"),
                Arguments.of(kwargs("memory_limit", "lots"), "memory_limit", "b, k, m or g"),
                Arguments.of(kwargs("memory_limit", "-1m"), "memory_limit", "b, k, m or g"),
                Arguments.of(kwargs("memory_limit", "1m"), "memory_limit", "at least 6m"),
                Arguments.of(kwargs("memory_limit", 512), "memory_limit", "must be a string"),
                Arguments.of(kwargs("cpu_limit", 0), "cpu_limit", "at least 0.01"),
                Arguments.of(kwargs("cpu_limit", -1.0), "cpu_limit", "at least 0.01"),
                Arguments.of(kwargs("cpu_limit", "1"), "cpu_limit", "must be a number"),
                Arguments.of(kwargs("network", "internet"), "network", "none, bridge, host"),
                Arguments.of(kwargs("pull_policy", "sometimes"), "pull_policy", "if_not_present, always, never"),
                Arguments.of(kwargs("input_data", List.of()), "input_data", "must be a string"),
                Arguments.of(kwargs("input_file", "x"), "input_file", "must be an object"),
                Arguments.of(kwargs("input_file", Map.of("path", "/in/x")), "input_file.content", "is required"),
                Arguments.of(kwargs("input_file", Map.of("content", "x")), "input_file.path", "is required"),
                Arguments.of(kwargs("input_file", Map.of("content", "x", "path", "in/x")), "input_file.path", "absolute"),
                Arguments.of(kwargs("input_file", Map.of("content", "x", "path", "/in/../etc/x")), "input_file.path", "'..'"),
                Arguments.of(kwargs("input_file", Map.of("content", "x", "path", "/x")), "input_file.path", "inside a directory"),
                Arguments.of(kwargs("input_file", Map.of("content", "x", "path", "/proc/x")), "input_file.path", "/proc"),
                Arguments.of(kwargs("input_file", Map.of("content", "x", "path", "/in/x", "mode", "777")), "input_file.mode", "allowed keys"),
                Arguments.of(kwargs("input_file", Map.of("content", "x", "path", "/in/x", "encoding", "gzip")), "input_file.encoding", "base64"),
                Arguments.of(kwargs("input_file", Map.of("content", "!!", "path", "/in/x", "encoding", "base64")), "input_file.content", ""),
                Arguments.of(kwargs("output_file", "out.txt"), "output_file", "absolute"),
                Arguments.of(kwargs("output_file", "/out.txt"), "output_file", "inside a directory"),
                Arguments.of(kwargs("output_file", "/o//x"), "output_file", "empty"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badInput")
    void badInputNamesTheParameter(Map<String, Object> kwargs, String parameter, String text) {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> RunRequest.from("run_with_input", kwargs, CONFIG.requestDefaults()));
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertTrue(e.getMessage().startsWith("run_with_input: parameter '" + parameter + "'"), e.getMessage());
    }

    @Test
    void missingImageIsNamed() {
        Map<String, Object> k = kwargs();
        k.remove("image");
        assertEquals("image", assertThrows(InvalidKwargsException.class, () -> RunRequest.from("run_container", k, CONFIG.requestDefaults())).parameter());
    }
}
