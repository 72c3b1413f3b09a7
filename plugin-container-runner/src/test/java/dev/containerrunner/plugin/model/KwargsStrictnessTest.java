package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14 re-run, findings 4, 2 and 11 on the kwargs side: a kwarg given as null is refused naming
 * it at every depth, strings must be well-formed Unicode (values, list elements, map keys), and
 * paths are normalised at validation (a file path ending in '/' is refused).
 */
class KwargsStrictnessTest {

    private static final RequestDefaults DEFAULTS = RunnerConfig.defaults().requestDefaults();
    private static final String RUN = "run_with_input";
    private static final List<String> RUN_KWARGS = List.of("command", "args", "environment", "timeout_seconds",
            "memory_limit", "cpu_limit", "network", "pull_policy", "input_data", "input_file", "output_file",
            "writable_dirs", "working_dir", "shm_size", "ulimits", "user");

    private static Map<String, Object> kwargs(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", "python:3.11-slim");
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static InvalidKwargsException refused(Map<String, Object> kwargs) {
        return assertThrows(InvalidKwargsException.class, () -> RunRequest.from(RUN, kwargs, DEFAULTS), kwargs.toString());
    }

    private static Map<String, Object> inputFile(String path, String content, Object encoding) {
        Map<String, Object> f = new HashMap<>();
        f.put("path", path);
        f.put("content", content);
        f.put("encoding", encoding);
        return f;
    }

    @Test
    void everyRunKwargGivenAsNullIsRefusedNamingIt() {
        for (String name : RUN_KWARGS) {
            InvalidKwargsException e = refused(kwargs(name, null));
            assertEquals(name, e.parameter(), e.getMessage());
            assertTrue(e.getMessage().contains("must not be null; leave it out to use its default"), e.getMessage());
        }
        assertEquals("image", refused(kwargs("image", null)).parameter());
    }

    @Test
    void everyCollectKwargGivenAsNullIsRefusedNamingIt() {
        for (String name : List.of("container_id", "file_paths", "upload_to_s3", "s3_prefix", "strict", "release")) {
            Map<String, Object> k = new HashMap<>(Map.of("container_id", "0123456789ab", "file_paths", List.of("/out")));
            k.put(name, null);
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                    () -> CollectRequest.from("collect_output", k), name);
            assertEquals(name, e.parameter(), e.getMessage());
            assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        }
    }

    @Test
    void nestedNullsAreRefusedNamingTheirPath() {
        Map<String, Object> nofile = new HashMap<>();
        nofile.put("nofile", null);
        assertEquals("ulimits.nofile", refused(kwargs("ulimits", nofile)).parameter());
        Map<String, Object> soft = new HashMap<>();
        soft.put("soft", null);
        soft.put("hard", 1024);
        assertEquals("ulimits.nofile.soft", refused(kwargs("ulimits", Map.of("nofile", soft))).parameter());
        assertEquals("input_file.encoding", refused(kwargs("input_file", inputFile("/in/a.txt", "x", null))).parameter());
        assertEquals("input_file.path", refused(kwargs("input_file", inputFile(null, "x", "utf-8"))).parameter());
        assertEquals("input_file.content", refused(kwargs("input_file", inputFile("/in/a.txt", null, "utf-8"))).parameter());
        Map<String, Object> env = new HashMap<>();
        env.put("HOME", null);
        InvalidKwargsException e = refused(kwargs("environment", env));
        assertEquals("environment.HOME", e.parameter());
        assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        List<Object> command = new ArrayList<>(List.of("echo"));
        command.add(null);
        assertEquals("command[1]", refused(kwargs("command", command)).parameter());
        List<Object> dirs = new ArrayList<>();
        dirs.add(null);
        assertEquals("writable_dirs[0]", refused(kwargs("writable_dirs", dirs)).parameter());
    }

    static Stream<Arguments> unpairedSurrogates() {
        String high = "A\ud800B";
        String low = "C\udfffD";
        String reversed = "\udc00\ud800";
        return Stream.of(
                Arguments.of(kwargs("input_data", high + low), "input_data"),
                Arguments.of(kwargs("input_data", "ends with \ud83d"), "input_data"),
                Arguments.of(kwargs("input_file", inputFile("/in/a.txt", high, "utf-8")), "input_file.content"),
                Arguments.of(kwargs("input_file", inputFile("/in/" + low, "x", "utf-8")), "input_file.path"),
                Arguments.of(kwargs("environment", Map.of("NAME", low)), "environment.NAME"),
                Arguments.of(kwargs("environment", Map.of("N" + reversed, "v")), "environment"),
                Arguments.of(kwargs("command", List.of("echo", high)), "command[1]"),
                Arguments.of(kwargs("args", List.of(reversed)), "args[0]"),
                Arguments.of(kwargs("image", "python" + low), "image"),
                Arguments.of(kwargs("output_file", "/out/" + high), "output_file"),
                Arguments.of(kwargs("working_dir", "/w" + low), "working_dir"),
                Arguments.of(kwargs("writable_dirs", List.of("/out" + high)), "writable_dirs[0]"),
                Arguments.of(kwargs("memory_limit", "512m" + low), "memory_limit"),
                Arguments.of(kwargs("user", "1000" + high), "user"),
                Arguments.of(kwargs("network", "none" + low), "network"));
    }

    @ParameterizedTest
    @MethodSource("unpairedSurrogates")
    void aStringWithAnUnpairedSurrogateIsRefusedNamingTheParameter(Map<String, Object> kwargs, String parameter) {
        InvalidKwargsException e = refused(kwargs);
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().contains("unpaired UTF-16 surrogate (U+"), e.getMessage());
    }

    @Test
    void collectOutputStringsAreCheckedToo() {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> CollectRequest.from("collect_output",
                Map.of("container_id", "0123456789ab", "file_paths", List.of("/out/a\udbffb"))));
        assertEquals("file_paths[0]", e.parameter());
        e = assertThrows(InvalidKwargsException.class, () -> CollectRequest.from("collect_output",
                Map.of("container_id", "0123456789ab", "file_paths", List.of("/out"), "s3_prefix", "p\ud800")));
        assertEquals("s3_prefix", e.parameter());
    }

    @Test
    void wellFormedPairsArriveExactly() {
        RunRequest r = RunRequest.from(RUN, kwargs("input_data", "\ud83d\ude00", "environment", Map.of("E", "\ud834\udd1e")),
                DEFAULTS);
        assertEquals("\ud83d\ude00", new String(r.inputData().orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("\ud834\udd1e", r.environment().get("E"));
        assertEquals(-1, WellFormedText.unpairedSurrogate("plain \ud83d\ude00 text"));
        assertEquals(0, WellFormedText.unpairedSurrogate("\ude00\ud83d"));
        assertEquals(5, WellFormedText.unpairedSurrogate("\ud83d\ude00abc\ud83d"));
    }

    @Test
    void mapKeysMustBeStrings() {
        Map<Object, Object> env = new HashMap<>();
        env.put(null, "x");
        assertTrue(refused(kwargs("environment", env)).getMessage().contains("keys must be strings"));
        Map<Object, Object> bool = new HashMap<>();
        bool.put(Boolean.TRUE, "x");
        assertEquals("environment", refused(kwargs("environment", bool)).parameter());
        Map<Object, Object> file = new HashMap<>(inputFile("/in/a.txt", "x", "utf-8"));
        file.put(1, "x");
        assertEquals("input_file", refused(kwargs("input_file", file)).parameter());
    }

    /** Finding 11: '/out/' is the directory '/out', so listing both is a repeat. */
    @ParameterizedTest
    @ValueSource(strings = {"/out/", "/out"})
    void aRepeatedWritableDirIsRefusedWhateverItsTrailingSlash(String second) {
        InvalidKwargsException e = refused(kwargs("writable_dirs", List.of("/out", second)));
        assertEquals("writable_dirs[1]", e.parameter());
        assertTrue(e.getMessage().contains("(" + second + ") repeats writable_dirs[0] (/out): both are /out; list each"
                + " directory once"), e.getMessage());
    }

    @Test
    void directoryPathsAreNormalised() {
        RunRequest r = RunRequest.from(RUN, kwargs("writable_dirs", List.of("/out/", "/work/data/"), "working_dir", "/w/"),
                DEFAULTS);
        assertEquals(List.of("/out", "/work/data"), r.writableDirs().stream().map(ContainerPath::value).toList());
        assertEquals("/w", r.workingDir().orElseThrow().value());
        // the normalised directory meets the collision checks
        InvalidKwargsException e = refused(kwargs("output_file", "/out/r.txt", "writable_dirs", List.of("/out/r.txt/")));
        assertEquals("output_file", e.parameter());
        assertTrue(e.getMessage().contains("collides with writable_dirs[0] (/out/r.txt)"), e.getMessage());
    }

    @Test
    void aFilePathEndingInSlashIsRefused() {
        InvalidKwargsException input = refused(kwargs("input_file", inputFile("/in/x/", "x", "utf-8")));
        assertEquals("input_file.path", input.parameter());
        assertTrue(input.getMessage().contains("'/in/x/' ends with '/', which names a directory"), input.getMessage());
        InvalidKwargsException output = refused(kwargs("output_file", "/out/r.txt/"));
        assertEquals("output_file", output.parameter());
        assertTrue(output.getMessage().contains("ends with '/'"), output.getMessage());
    }
}
