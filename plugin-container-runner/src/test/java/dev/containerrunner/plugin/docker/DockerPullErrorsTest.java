package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Docker's pull errors as docker-java raises them ("Status N: " and the JSON body, as measured), classified and unwrapped. */
class DockerPullErrorsTest {

    private final DockerErrors errors = new DockerErrors("unix:///var/run/docker.sock");

    @Test
    void theEnginesJsonBodyIsUnwrapped() {
        assertEquals("Status 404: manifest for r/a:1 not found: manifest unknown: manifest unknown",
                DockerErrors.unwrapJson("Status 404: {\"message\":\"manifest for r/a:1 not found: manifest unknown: manifest unknown\"}\n"));
        assertEquals("Status 500: Head \"https://r/v2/a/manifests/1\": no basic auth credentials",
                DockerErrors.unwrapJson("Status 500: {\"message\":\"Head \\\"https://r/v2/a/manifests/1\\\": no basic auth credentials\"}"));
        assertEquals("Status 500: denied", DockerErrors.unwrapJson("Status 500: denied"));
        assertEquals("Status 500: {not json}", DockerErrors.unwrapJson("Status 500: {not json}"));
    }

    @Test
    void aPullFailureNamesTheClassTheRegistryAndTheCredentialsSource() {
        ImageNotAvailableException e = assertInstanceOf(ImageNotAvailableException.class, errors.pullFailure("r.example/a:1",
                "r.example", Optional.of("registries[r.example] password_file /p"),
                new InternalServerErrorException("{\"message\":\"unauthorized: authentication required\"}\n")));
        assertEquals(Optional.of(FailureReason.IMAGE_AUTH_FAILED), e.reason());
        assertEquals("image r.example/a:1: pull failed: registry r.example refused the credentials from registries[r.example]"
                + " password_file /p: Status 500: unauthorized: authentication required", e.getMessage());
        ImageNotAvailableException missing = assertInstanceOf(ImageNotAvailableException.class, errors.pullFailure(
                "r.example/a:2", "r.example", Optional.empty(),
                new NotFoundException("{\"message\":\"manifest for r.example/a:2 not found: manifest unknown\"}")));
        assertEquals(Optional.of(FailureReason.IMAGE_NOT_FOUND), missing.reason());
    }
}
