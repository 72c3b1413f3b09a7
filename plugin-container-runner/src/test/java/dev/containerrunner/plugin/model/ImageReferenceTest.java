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

    @ParameterizedTest
    @ValueSource(strings = {"", " python", "python ", "py thon", "Python:3", "jrottenberg/FFmpeg:1", "a/../b:1", "a//b",
        "a/b/:1", ":tag", "python:", "python:-x", "python@sha256:abc", "python@md5:0123456789abcdef0123456789abcdef",
        "-python", "python-", "a..b", "a/.b", "über:1", "python:3\n", "bad_domain_/x", "/x"})
    void rejectsMalformed(String input) {
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(input));
    }
}
