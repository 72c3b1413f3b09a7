package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "python:3.11-slim, docker.io/library/python:3.11-slim",
        "docker.io/library/python:3.11-slim, docker.io/library/python:3.11-slim",
        "index.docker.io/library/python:3.11-slim, docker.io/library/python:3.11-slim",
        "docker.io/python:3.11-slim, docker.io/library/python:3.11-slim",
        "python, docker.io/library/python:latest",
        "jrottenberg/ffmpeg:4.4-alpine, docker.io/jrottenberg/ffmpeg:4.4-alpine",
        "ghcr.io/org/team/tool:v1.2, ghcr.io/org/team/tool:v1.2",
        "localhost:5000/x:1, localhost:5000/x:1",
        "localhost/x, localhost/x:latest",
        "Registry.Example.COM/a/b:t, registry.example.com/a/b:t",
        "container-runner-test/busybox:1.35-debian, docker.io/container-runner-test/busybox:1.35-debian",
        "a__b/c-d/e.f:Tag_1, docker.io/a__b/c-d/e.f:Tag_1",
        "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, "
                + "docker.io/library/python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "python:3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, "
                + "docker.io/library/python:3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void normalises(String input, String canonical) {
        assertEquals(canonical, ImageReference.parse(input).canonical());
    }

    private static final String D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "REGISTRY-1.DOCKER.IO/python:1, docker.io/library/python:1",
        "Index.Docker.Io/library/python, docker.io/library/python:latest",
        "registry-1.docker.io/org/tool:2, docker.io/org/tool:2",
        "LOCALHOST:5055/x:1, localhost:5055/x:1",
        "localhost:5055/x, localhost:5055/x:latest",
        "127.0.0.1:5055/x, 127.0.0.1:5055/x:latest",
        "docker.io:443/python:1, docker.io:443/python:1",
        "python@" + D + ", docker.io/library/python@" + D,
        "python:latest@" + D + ", docker.io/library/python:latest@" + D,
        "localhost:5000, docker.io/library/localhost:5000",
    })
    void normalisesAliasesOnly(String input, String canonical) {
        assertEquals(canonical, ImageReference.parse(input).canonical());
    }

    @ParameterizedTest
    @CsvSource({"python@" + D + ", ", "python:3@" + D + ", 3", "python:3, 3", "python, latest"})
    void aDigestOnlyReferenceHasNoTag(String input, String tag) {
        assertEquals(tag, ImageReference.parse(input).tag());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:05055/x:1", "localhost:0/x:1", "localhost:65536/x:1", "localhost:99999/x:1",
        "localhost:/x:1", "docker.io./python:1", "localhost./x", "python.:1", "python/", "python:1/", "x/./y", "x/../y",
        "python@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        "python@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "python@sha384:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "python@" + D + "@" + D, "python@@" + D, "python@", "python:1@", "python@latest", "python:1@sha256:",
        "localhost:5055/team/App:1", "Team/app:1", "LOCALHOST/x", "python\t", "python:1 ", "py\u00a0thon",
        "[::1]:5000/x:1"})
    void rejectsMoreMalformed(String input) {
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(input));
    }

    @org.junit.jupiter.api.Test
    void rejectsNamesLongerThanTheEngineAccepts() {
        String longest = "a".repeat(ImageReference.NAME_MAX - "docker.io/b/".length());
        ImageReference.parse("b/" + longest);
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("b/" + longest + "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " python", "python ", "py thon", "Python:3", "jrottenberg/FFmpeg:1", "a/../b:1", "a//b",
        "a/b/:1", ":tag", "python:", "python:-x", "python@sha256:abc", "python@md5:0123456789abcdef0123456789abcdef",
        "-python", "python-", "a..b", "a/.b", "über:1", "python:3\n", "bad_domain_/x", "/x"})
    void rejectsMalformed(String input) {
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(input));
    }
}
