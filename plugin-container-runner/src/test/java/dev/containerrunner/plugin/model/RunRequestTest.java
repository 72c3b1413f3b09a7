package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.spi.InvalidKwargsException;
import java.math.BigDecimal;
import java.math.BigInteger;
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

    /** Issue 14, items 2-3: numbers are read by value and range; nothing wraps, rounds or is read from a string. */
    static Stream<Arguments> numbersOutOfRangeOrShape() {
        return Stream.of(
                Arguments.of("timeout_seconds", new BigInteger("18446744073709551621"), "at most 604800"),
                Arguments.of("timeout_seconds", new BigInteger("9223372036854775808"), "at most 604800"),
                Arguments.of("timeout_seconds", new BigInteger("-18446744073709551615"), "at least 1"),
                Arguments.of("timeout_seconds", Long.MAX_VALUE, "at most 604800"),
                Arguments.of("timeout_seconds", Long.MIN_VALUE, "at least 1"),
                Arguments.of("timeout_seconds", 4294967301L, "at most 604800"),
                Arguments.of("timeout_seconds", 604801, "at most 604800"),
                Arguments.of("timeout_seconds", new BigDecimal("1E+30"), "at most 604800"),
                Arguments.of("timeout_seconds", new BigDecimal("1E+999999999"), "at most 604800"),
                Arguments.of("timeout_seconds", new BigDecimal("5.5"), "whole number"),
                Arguments.of("timeout_seconds", 5.0, "whole number"),
                Arguments.of("timeout_seconds", 5.0f, "whole number"),
                Arguments.of("timeout_seconds", Double.NaN, "whole number"),
                Arguments.of("timeout_seconds", "05", "whole number"),
                Arguments.of("timeout_seconds", true, "whole number"),
                Arguments.of("cpu_limit", Double.NaN, "finite"),
                Arguments.of("cpu_limit", Double.POSITIVE_INFINITY, "finite"),
                Arguments.of("cpu_limit", new BigDecimal("1e400"), "finite"),
                Arguments.of("cpu_limit", new BigInteger("1" + "0".repeat(400)), "finite"),
                Arguments.of("cpu_limit", -0.0, "at least 0.01"),
                Arguments.of("cpu_limit", new BigDecimal("1e-400"), "at least 0.01"),
                Arguments.of("cpu_limit", 1025, "at most 1024"),
                Arguments.of("cpu_limit", true, "must be a number"),
                Arguments.of("memory_limit", "99999999999999999999g", "too large"),
                Arguments.of("memory_limit", "8589934592g", "too large"),
                Arguments.of("memory_limit", "9223372036854775808", "too large"),
                Arguments.of("memory_limit", "0512m", "leading zeros"),
                Arguments.of("memory_limit", "512 m", "b, k, m or g"),
                Arguments.of("memory_limit", " 512m", "b, k, m or g"),
                Arguments.of("memory_limit", "+512m", "b, k, m or g"),
                Arguments.of("memory_limit", "512mm", "b, k, m or g"),
                Arguments.of("memory_limit", "\u0665\u0661\u0662m", "b, k, m or g"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("numbersOutOfRangeOrShape")
    void numbersAreReadByValueAndRange(String parameter, Object value, String text) {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> RunRequest.from("run_container", kwargs(parameter, value), CONFIG.requestDefaults()));
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void wholeNumbersOfEveryJsonShapeAreAccepted() {
        for (Object five : List.of(5, 5L, (short) 5, new BigInteger("5"), new BigDecimal("5"), new BigDecimal("5.000"),
                new BigDecimal("0.5E+1"))) {
            assertEquals(5, RunRequest.from("run_container", kwargs("timeout_seconds", five), CONFIG.requestDefaults())
                    .timeout().toSeconds(), String.valueOf(five));
        }
        assertEquals(0.5, RunRequest.from("run_container", kwargs("cpu_limit", new BigDecimal("0.5")),
                CONFIG.requestDefaults()).cpu());
        assertEquals(604800, RunRequest.from("run_container", kwargs("timeout_seconds", 604800),
                CONFIG.requestDefaults()).timeout().toSeconds());
    }
}
