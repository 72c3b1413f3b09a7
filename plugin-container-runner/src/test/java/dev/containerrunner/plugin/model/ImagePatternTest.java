package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.containerrunner.plugin.model.ImageReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImagePatternTest {

    private static final String D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String E = "sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        // exact entries, normalised on both sides
        "python:3.11-slim, python:3.11-slim, true",
        "python:3.11-slim, docker.io/library/python:3.11-slim, true",
        "python:3.11-slim, index.docker.io/library/python:3.11-slim, true",
        "docker.io/library/python:3.11-slim, python:3.11-slim, true",
        "python:3.11-slim, python:3.11, false",
        "python:3.11-slim, python:3.11-slim-evil, false",
        "python:3.11-slim, evil/python:3.11-slim, false",
        "python:3.11-slim, evil.io/python:3.11-slim, false",
        "python:3.11-slim, evil.io/library/python:3.11-slim, false",
        "python, python:latest, true",
        "python, python, true",
        "python, python:3.12, false",
        "python:latest, python, true",
        // globs on tags
        "jrottenberg/ffmpeg:*, jrottenberg/ffmpeg:4.4-alpine, true",
        "jrottenberg/ffmpeg:*, jrottenberg/ffmpeg, true",
        "jrottenberg/ffmpeg:*, docker.io/jrottenberg/ffmpeg:5.1, true",
        "jrottenberg/ffmpeg:*, index.docker.io/jrottenberg/ffmpeg:5.1, true",
        "jrottenberg/ffmpeg:*, jrottenberg/ffmpeg-evil:1, false",
        "jrottenberg/ffmpeg:*, jrottenberg/ffmpeg/evil:1, false",
        "jrottenberg/ffmpeg:*, evil.io/jrottenberg/ffmpeg:1, false",
        "jrottenberg/ffmpeg:*, jrottenberg/ffmpe:1, false",
        "jrottenberg/ffmpeg:*, evil/jrottenberg/ffmpeg:1, false",
        "jrottenberg/ffmpeg:*, ffmpeg:1, false",
        "jrottenberg/ffmpeg:*, jrottenberg/ffmpeg@" + D + ", true",
        "jrottenberg/ffmpeg:4.*, jrottenberg/ffmpeg:4.4, true",
        "jrottenberg/ffmpeg:4.*, jrottenberg/ffmpeg:5.1, false",
        "jrottenberg/ffmpeg:4.*, jrottenberg/ffmpeg@" + D + ", false",
        "imagemagick/imagemagick:*, imagemagick/imagemagick:7, true",
        "imagemagick/imagemagick:*, imagemagick/imagemagick:7@" + D + ", true",
        // globs in repository components never cross '/'
        "myorg/*:*, myorg/tool:1, true",
        "myorg/*:*, myorg/team/tool:1, false",
        "myorg/*:*, otherorg/tool:1, false",
        "ghcr.io/org/*:v1, ghcr.io/org/a:v1, true",
        "ghcr.io/org/*:v1, ghcr.io/org/a:v2, false",
        "ghcr.io/org/*:v1, ghcr.io/evil/a:v1, false",
        "ghcr.io/org/*:v1, evil.io/org/a:v1, false",
        "container-runner-test/busybox:*, container-runner-test/busybox:1.35-debian, true",
        // digests
        "python@" + D + ", python@" + D + ", true",
        "python@" + D + ", python@" + E + ", false",
        "python@" + D + ", python:3.11, false",
        "python:3.11@" + D + ", python:3.11@" + D + ", true",
        "python:3.11, python@" + D + ", false",
        // registries with ports
        "localhost:5000/x:*, localhost:5000/x:1, true",
        "localhost:5000/x:*, localhost:5001/x:1, false",
        "localhost:5000/x:*, x:1, false",
    })
    void allowsOrDenies(String pattern, String reference, boolean allowed) {
        assertEquals(allowed, ImagePattern.parse(pattern).matches(ImageReference.parse(reference)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "python :1", "*.io/x:*", "evil*.io/x:1", "x@*", "Python:*", "a/../b:*", "a//b:*", "x:*:*"})
    void rejectsBadEntries(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> ImagePattern.parse(pattern));
    }
}
