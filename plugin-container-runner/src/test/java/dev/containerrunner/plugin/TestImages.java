package dev.containerrunner.plugin;

/**
 * The images tests use, pinned in one place. {@code scripts/ensure-images.sh} builds them locally
 * from Debian packages when no registry is reachable (keep the names in sync with it).
 */
public final class TestImages {

    /** Debian's busybox-static 1.35 in an otherwise empty image. */
    public static final String BUSYBOX = "container-runner-test/busybox:1.35-debian";

    /** Debian bookworm's Python 3.11 with the full standard library, tagged like the seed's image. */
    public static final String PYTHON = "python:3.11-slim";

    /** Debian bookworm's ffmpeg 5.1 under a name the seed's allowlist glob {@code jrottenberg/ffmpeg:*} admits. */
    public static final String FFMPEG = "jrottenberg/ffmpeg:5.1-debian-local";

    /** Admitted by the test allowlist but never built: for pull-policy tests. */
    public static final String MISSING = "container-runner-test/never-built:1";

    private TestImages() {
    }
}
