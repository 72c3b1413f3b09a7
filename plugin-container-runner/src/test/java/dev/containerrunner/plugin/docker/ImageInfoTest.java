package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** image_digest names what the reference ran: its own repository's digest, else the image id. */
class ImageInfoTest {

    private static final String ID = "sha256:" + "1".repeat(64);
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    @Test
    void theDigestOfTheRepositoryPulledWhenTheImageCarriesSeveral() {
        DockerGateway.ImageInfo image = new DockerGateway.ImageInfo(ID, List.of("r.example:5443/test/moving@" + A,
                "python@" + B), true);
        assertEquals("python@" + B, image.digestOf("docker.io/library/python"));
        assertEquals("r.example:5443/test/moving@" + A, image.digestOf("r.example:5443/test/moving"));
    }

    @Test
    void neverAnotherRepositorysDigest() {
        DockerGateway.ImageInfo local = new DockerGateway.ImageInfo(ID, List.of("r.example:5443/test/moving@" + A), false);
        assertEquals(ID, local.digestOf("docker.io/container-runner-test/busybox"));
        assertEquals(ID, new DockerGateway.ImageInfo(ID, List.of(), false).digestOf("docker.io/library/python"));
    }
}
