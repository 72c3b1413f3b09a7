package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.spi.InvalidKwargsException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code inputs} kwarg: every field by type and value, paths against each other and the request's others. */
class S3InputsTest {

    private static final RunnerConfig CONFIG = RunnerConfig.defaults();
    private static final String SHA = "a".repeat(64);

    private static RunRequest parse(Object inputs, Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        m.put("image", "busybox");
        m.put("inputs", inputs);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return RunRequest.from("run_with_input", m, CONFIG.requestDefaults());
    }

    private static Map<String, Object> in(String url, String path, String... sha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s3_url", url);
        m.put("path", path);
        if (sha.length > 0) {
            m.put("sha256", sha[0]);
        }
        return m;
    }

    private static InvalidKwargsException refused(Object inputs, Object... pairs) {
        return assertThrows(InvalidKwargsException.class, () -> parse(inputs, pairs));
    }

    @Test
    void readsObjectsAndPrefixes() {
        RunRequest r = parse(List.of(in("s3://data/in/a.bin", "/input/data.bin", SHA), in("s3://data/in/set/", "/input2/set")));
        S3Input a = r.inputs().get(0);
        assertEquals(new S3Url("data", "in/a.bin"), a.url());
        assertEquals("/input/data.bin", a.path().value());
        assertEquals(Optional.of(SHA), a.sha256());
        assertFalse(a.isDirectory());
        assertEquals("/input", a.runDirectory());
        S3Input set = r.inputs().get(1);
        assertTrue(set.isDirectory());
        assertEquals("/input2/set", set.runDirectory());
        assertEquals(List.of("/input", "/input2/set"), r.runDirectories());
        assertEquals(List.of(), parse(List.of()).inputs());
        assertEquals(List.of(), RunRequest.from("run_container", Map.of("image", "busybox"), CONFIG.requestDefaults()).inputs());
    }

    @Test
    void theShapeIsAListOfObjectsWithKnownKeys() {
        assertEquals("run_with_input: parameter 'inputs' must be a list of {s3_url, path, sha256} objects, got string",
                refused("s3://data/a").getMessage());
        InvalidKwargsException notMap = refused(List.of("s3://data/a"));
        assertEquals("inputs[0]", notMap.parameter());
        assertTrue(notMap.getMessage().contains("must be an object with keys [s3_url, path, sha256]"), notMap.getMessage());
        Map<String, Object> extra = in("s3://data/a", "/in/a");
        extra.put("mode", "0600");
        InvalidKwargsException unknown = refused(List.of(extra));
        assertEquals("inputs[0].mode", unknown.parameter());
        assertTrue(unknown.getMessage().contains("allowed keys: [s3_url, path, sha256]"), unknown.getMessage());
        assertEquals("inputs[1].s3_url", refused(List.of(in("s3://data/a", "/in/a"), Map.of("path", "/in/b"))).parameter());
        assertEquals("inputs[0].path", refused(List.of(Map.of("s3_url", "s3://data/a"))).parameter());
        Map<String, Object> num = new HashMap<>(in("s3://data/a", "/in/a"));
        num.put("sha256", 12);
        assertTrue(refused(List.of(num)).getMessage().contains("parameter 'inputs[0].sha256' must be a string"));
        Map<String, Object> nul = new HashMap<>(in("s3://data/a", "/in/a"));
        nul.put("sha256", null);
        assertEquals("inputs[0].sha256", refused(List.of(nul)).parameter());
        List<Object> many = new ArrayList<>();
        for (int i = 0; i <= S3Inputs.MAX_INPUTS; i++) {
            many.add(in("s3://data/f" + i, "/in/f" + i));
        }
        assertTrue(refused(many).getMessage().contains("may have at most 64 entries"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://data/a", "s3:/data/a", "s3://data", "s3://data/", "s3://Data/a", "s3://d/a",
        "s3://data//a", "s3://data/a//b", "s3://data/./a", "s3://data/a/../b", "s3://data/..", "s3://data/a/%2e%2e/b",
        "s3://data/%2E%2E/x", "s3://data/a\\b", "s3://data/a?x=1", "s3://data/a#b", "s3://data/a\nb", "s3://data//",
        "s3://data/a/./"})
    void urlsThatAreNotPlainBucketAndKeyAreRefused(String url) {
        InvalidKwargsException e = refused(List.of(in(url, url.endsWith("/") ? "/in/set" : "/in/a")));
        assertEquals("inputs[0].s3_url", e.parameter());
    }

    @Test
    void urlErrorsSayWhatIsAllowed() {
        assertTrue(refused(List.of(in("s3://data/a/%2e%2e/b", "/in/a"))).getMessage()
                .contains("never URL-decoded"));
        assertTrue(refused(List.of(in("s3://data/a/../b", "/in/a"))).getMessage().contains("'..' segment"));
        assertTrue(refused(List.of(in("https://x/a", "/in/a"))).getMessage().contains("write s3://bucket/key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ABC", "a", "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void sha256IsSixtyFourLowercaseHexDigits(String sha) {
        InvalidKwargsException e = refused(List.of(in("s3://data/a", "/in/a", sha)));
        assertEquals("inputs[0].sha256", e.parameter());
        assertTrue(e.getMessage().contains("64 lowercase hexadecimal digits"), e.getMessage());
    }

    @Test
    void aPrefixHasNoSha256AndNamesADirectory() {
        InvalidKwargsException e = refused(List.of(in("s3://data/set/", "/in/set", SHA)));
        assertEquals("inputs[0].sha256", e.parameter());
        assertTrue(e.getMessage().contains("not to a prefix"), e.getMessage());
        assertEquals("/in/set", parse(List.of(in("s3://data/set/", "/in/set/"))).inputs().get(0).path().value());
        assertEquals("/set", parse(List.of(in("s3://data/set/", "/set"))).inputs().get(0).runDirectory());
    }

    @ParameterizedTest
    @ValueSource(strings = {"in/a", "/in/../a", "/in//a", "/in/a/", "/a", "/proc/x/a", "/dev/a", "/etc/hosts", "/etc/hosts/x",
        "/etc/resolv.conf"})
    void filePathsFollowTheRunPathRules(String path) {
        assertEquals("inputs[0].path", refused(List.of(in("s3://data/a", path))).parameter());
    }

    @Test
    void duplicatesAndOverlapsBetweenInputsAreRefused() {
        InvalidKwargsException dup = refused(List.of(in("s3://data/a", "/in/a"), in("s3://data/b", "/in/a")));
        assertEquals("inputs[1].path", dup.parameter());
        assertTrue(dup.getMessage().contains("repeats inputs[0].path"), dup.getMessage());
        InvalidKwargsException inDir = refused(List.of(in("s3://data/set/", "/in"), in("s3://data/b", "/in/b")));
        assertEquals("inputs[1].path", inDir.parameter());
        assertTrue(inDir.getMessage().contains("overlaps inputs[0].path (/in)"), inDir.getMessage());
        assertEquals("inputs[1].path", refused(List.of(in("s3://data/a", "/in/a"), in("s3://data/b", "/in/a/b"))).parameter());
        assertEquals("inputs[1].path", refused(List.of(in("s3://data/x/", "/in/set"), in("s3://data/y/", "/in/set/sub"))).parameter());
        // two files in one directory, and the same object twice at two paths, are fine
        assertEquals(3, parse(List.of(in("s3://data/a", "/in/a"), in("s3://data/b", "/in/b"), in("s3://data/a", "/in/c"))).inputs().size());
    }

    @Test
    void overlapsWithTheRequestsOtherPathsAreRefused() {
        Map<String, Object> file = Map.of("path", "/in/a", "content", "x");
        assertTrue(refused(List.of(in("s3://data/a", "/in/a")), "input_file", file).getMessage()
                .contains("overlaps input_file.path (/in/a)"));
        assertEquals("inputs[0].path", refused(List.of(in("s3://data/set/", "/in")), "input_file", file).parameter());
        assertEquals(1, parse(List.of(in("s3://data/b", "/in/b")), "input_file", file).inputs().size(), "a shared directory is fine");
        InvalidKwargsException writable = refused(List.of(in("s3://data/a", "/in/a")), "writable_dirs", List.of("/in/a"));
        assertTrue(writable.getMessage().contains("collides with writable_dirs[0] (/in/a)"), writable.getMessage());
        InvalidKwargsException hides = refused(List.of(in("s3://data/set/", "/data")), "writable_dirs", List.of("/data/out"));
        assertTrue(hides.getMessage().contains("it would hide the input"), hides.getMessage());
        assertEquals("inputs[0].path", refused(List.of(in("s3://data/set/", "/data")), "output_file", "/data/sub/o.txt").parameter());
        assertEquals(1, parse(List.of(in("s3://data/set/", "/data")), "output_file", "/data/o.txt", "writable_dirs",
                List.of("/data")).inputs().size(), "the directory itself may also be written");
        assertEquals("working_dir", refused(List.of(in("s3://data/a", "/in/a")), "working_dir", "/in/a").parameter());
        InvalidKwargsException secrets = refused(List.of(in("s3://data/a", "/run/secrets/a")), "secrets", List.of("db"));
        assertTrue(secrets.getMessage().contains("where the run's secret files are mounted"), secrets.getMessage());
    }

    @Test
    void prefixMatchingIsByBucketAndWholeSegments() {
        S3Url prefix = S3Url.parse("s3://data/prefix/");
        assertTrue(S3Url.parse("s3://data/prefix/a").isUnder(prefix));
        assertTrue(S3Url.parse("s3://data/prefix/sub/").isUnder(prefix));
        assertTrue(S3Url.parse("s3://data/prefix/").isUnder(prefix));
        assertFalse(S3Url.parse("s3://data/prefix-other/a").isUnder(prefix));
        assertFalse(S3Url.parse("s3://data/pre").isUnder(prefix));
        assertFalse(S3Url.parse("s3://data/prefix").isUnder(prefix));
        assertFalse(S3Url.parse("s3://data2/prefix/a").isUnder(prefix));
        assertFalse(S3Url.parse("s3://dat/prefix/a").isUnder(prefix));
        assertFalse(S3Url.parse("s3://data/prefix/a").isUnder(S3Url.parse("s3://data/prefix")), "a prefix must end in /");
    }
}
