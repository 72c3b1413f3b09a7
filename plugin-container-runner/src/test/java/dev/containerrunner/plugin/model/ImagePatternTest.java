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

    /** Issue 14, item 1: a reference is judged as the engine runs it; with a digest, by the digest alone. */
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        // tag + digest: the engine ignores the tag, so a tag entry admits nothing that carries a digest
        "localhost:5055/team/app:approved, localhost:5055/team/app:approved@" + E + ", false",
        "localhost:5055/team/app:approved, localhost:5055/team/app:approved@" + D + ", false",
        "localhost:5055/team/app:approved, localhost:5055/team/app@" + D + ", false",
        "localhost:5055/team/app:approved, localhost:5055/team/app:approved, true",
        "localhost:5055/team/app:approv*, localhost:5055/team/app:approved@" + E + ", false",
        "localhost:5055/team/*:approved, localhost:5055/team/app:approved@" + E + ", false",
        "jrottenberg/ffmpeg:4.*, jrottenberg/ffmpeg:4.4@" + D + ", false",
        "ghcr.io/org/app:1, ghcr.io/org/app:1@" + D + ", false",
        // an entry pinning the digest admits it whatever tag is written beside it (the engine ignores it)
        "localhost:5055/team/app@" + D + ", localhost:5055/team/app:approved@" + D + ", true",
        "localhost:5055/team/app@" + D + ", localhost:5055/team/app:other@" + D + ", true",
        "localhost:5055/team/app@" + D + ", localhost:5055/team/app:approved@" + E + ", false",
        "localhost:5055/team/app@" + D + ", localhost:5055/team/app:approved, false",
        "localhost:5055/team/app@" + D + ", localhost:5055/team/other@" + D + ", false",
        "localhost:5055/team/app:approved@" + D + ", localhost:5055/team/app@" + D + ", true",
        "localhost:5055/team/app:approved@" + D + ", localhost:5055/team/app:approved@" + E + ", false",
        "localhost:5055/team/app:approved@" + D + ", localhost:5055/team/app:approved, false",
        // 'repo:*' admits every digest of that repository, and only of that one
        "localhost:5055/team/app:*, localhost:5055/team/app:approved@" + E + ", true",
        "localhost:5055/team/app:*, localhost:5055/team/app@" + E + ", true",
        "localhost:5055/team/app:*, localhost:5055/team/app-evil@" + E + ", false",
        "localhost:5055/team/*:*, localhost:5055/team/app:x@" + E + ", true",
        "localhost:5055/team/*:*, localhost:5055/evil/app:x@" + E + ", false",
        // a digest-only reference has no tag: it is not 'latest'
        "python, python@" + D + ", false",
        "python:latest, python@" + D + ", false",
        "python, python:latest@" + D + ", false",
        "python@" + D + ", python, false",
        "python@" + D + ", python:latest, false",
        // registry aliases, normalised alike on both sides and in any case
        "registry-1.docker.io/library/python:3.11, python:3.11, true",
        "index.docker.io/python:3.11, docker.io/library/python:3.11, true",
        "python:3.11, REGISTRY-1.DOCKER.IO/library/python:3.11, true",
        "python:3.11, Index.Docker.IO/python:3.11, true",
        "INDEX.docker.io/python:*, python:3, true",
        "Docker.IO/library/python:*, python:3, true",
        "library/python:3.11, python:3.11, true",
        "python:3.11, library/python:3.11, true",
        "python:3.11, docker.io:443/library/python:3.11, false",
        "python:3.11, hub.docker.com/library/python:3.11, false",
        "python:3.11, docker.com/library/python:3.11, false",
        "python:3.11, library/library/python:3.11, false",
        "python:3.11, registry-1.docker.io:443/library/python:3.11, false",
        // localhost, addresses and ports are never aliases
        "localhost:5055/x:1, 127.0.0.1:5055/x:1, false",
        "127.0.0.1:5055/x:1, localhost:5055/x:1, false",
        "localhost:5055/x:*, localhost/x:1, false",
        "localhost/x:*, localhost:5055/x:1, false",
        "localhost/x:*, x:1, false",
        "localhost:5055/x:1, LOCALHOST:5055/x:1, true",
        "localhost:5055/x:*, localhost:5056/x:1, false",
        "localhost:5055/x:*, localhost:5055/x/y:1, false",
        "localhost:5055/x:*, localhost:5055/y/x:1, false",
    })
    void judgesWhatTheEngineRuns(String pattern, String reference, boolean allowed) {
        assertEquals(allowed, ImagePattern.parse(pattern).matches(ImageReference.parse(reference)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:05055/x:*", "localhost:0/x:*", "localhost:65536/x:1", "localhost:99999/x:*",
        "docker.io./python:*", "python.:*", "python/:*", "x/*/:*", "python@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "python@sha384:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "x:*@" + D, "python\t:*", "python:* ", "*:*:*"})
    void rejectsMoreBadEntries(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> ImagePattern.parse(pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "python :1", "*.io/x:*", "evil*.io/x:1", "x@*", "Python:*", "a/../b:*", "a//b:*", "x:*:*"})
    void rejectsBadEntries(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> ImagePattern.parse(pattern));
    }
}
