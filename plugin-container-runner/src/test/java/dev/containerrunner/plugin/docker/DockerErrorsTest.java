package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.ImageNotAvailableException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What each kind of failure becomes, and how it is worded. */
class DockerErrorsTest {

    private static final String ENDPOINT = "unix:///tmp/e.sock";
    private final DockerErrors errors = new DockerErrors(ENDPOINT);

    private ContainerEngineException thrownBy(RuntimeException e) {
        return assertThrows(ContainerEngineException.class, () -> errors.call("inspect container", () -> {
            throw e;
        }));
    }

    @Test
    void notFoundIsNoSuchContainerWithTheEnginesMessage() {
        // docker-java words it "Status 404: No such container: c1"; the status prefix is dropped
        ContainerEngineException e = thrownBy(new NotFoundException("No such container: c1\n"));
        assertInstanceOf(NoSuchContainerException.class, e);
        assertEquals("inspect container", e.operation());
        assertEquals("inspect container: No such container: c1", e.getMessage());
    }

    @Test
    void anyOtherEngineAnswerIsAnEngineFailure() {
        ContainerEngineException e = thrownBy(new DockerException("boom", 500));
        assertFalse(e instanceof NoSuchContainerException);
        assertEquals("inspect container: boom", e.getMessage());
    }

    @Test
    void anIoCauseMeansTheEngineCannotBeReached() {
        ContainerEngineException e = thrownBy(new RuntimeException("wrapped", new ConnectException("Connection refused")));
        assertEquals("inspect container: cannot reach the Docker engine at " + ENDPOINT
                + " (Connection refused); is it running? (scripts/ensure-docker.sh starts one)", e.getMessage());
    }

    @Test
    void otherFailuresNameTheEngineAndTheRootCause() {
        ContainerEngineException e = thrownBy(new IllegalStateException("bad state", new IllegalArgumentException("why")));
        assertEquals("inspect container: engine at " + ENDPOINT + " failed: bad state (java.lang.IllegalArgumentException: why)",
                e.getMessage());
    }

    @Test
    void valuesPassThrough() {
        assertEquals("ok", errors.call("op", () -> "ok"));
        errors.run("op", () -> { });
    }

    @Test
    void aBrokenWaitSaysTheConnectionWasLost() {
        assertEquals("wait: lost the connection to the Docker engine at " + ENDPOINT + " while the container ran (reset)",
                errors.waitFailure(new RuntimeException(new IOException("reset"))).getMessage());
        assertEquals("wait: engine at " + ENDPOINT + " failed: odd", errors.waitFailure(new IllegalStateException("odd")).getMessage());
    }

    @Test
    void aRefusedPullIsAnUnavailableImageButAnUnreachableEngineIsNot() {
        ContainerEngineException refused = errors.pullFailure("busybox:9", new DockerException("denied", 500));
        assertInstanceOf(ImageNotAvailableException.class, refused);
        assertEquals("image busybox:9: pull failed (registry error): Status 500: denied", refused.getMessage());
        ContainerEngineException unreachable = errors.pullFailure("busybox:9", new RuntimeException(new IOException("gone")));
        assertFalse(unreachable instanceof ImageNotAvailableException);
        assertEquals("pull busybox:9", unreachable.operation());
        assertTrue(unreachable.getMessage().contains("cannot reach the Docker engine at " + ENDPOINT), unreachable.getMessage());
    }

    @Test
    void httpStatusesFromTheSocket() {
        assertInstanceOf(NoSuchContainerException.class, DockerErrors.status("attach", 404, "No such container: c1"));
        ContainerEngineException e = DockerErrors.status("copy /x out", 500, "broken");
        assertFalse(e instanceof NoSuchContainerException);
        assertEquals("copy /x out: engine answered 500: broken", e.getMessage());
    }

    @Test
    void silenceNamesTheEngine() {
        assertEquals("attach: the engine at " + ENDPOINT + " did not open the output stream within 30 s",
                errors.noAnswer("attach", "did not open the output stream within 30 s").getMessage());
    }

    @Test
    void eachFailureCarriesItsReason() {
        assertEquals(java.util.Optional.of(dev.containerrunner.plugin.execution.FailureReason.ENGINE_ERROR),
                thrownBy(new DockerException("boom", 500)).failureReason());
        assertEquals(java.util.Optional.of(dev.containerrunner.plugin.execution.FailureReason.ENGINE_UNREACHABLE),
                thrownBy(new RuntimeException("wrapped", new ConnectException("Connection refused"))).failureReason());
        assertEquals(java.util.Optional.of(dev.containerrunner.plugin.execution.FailureReason.ENGINE_LOST),
                errors.waitFailure(new RuntimeException(new IOException("reset"))).failureReason());
        ContainerEngineException refused = assertThrows(ContainerEngineException.class, () -> errors.call("start container",
                dev.containerrunner.plugin.execution.FailureReason.START_FAILED, () -> {
                    throw new DockerException("exec: \"nope\": executable file not found in $PATH", 400);
                }));
        assertEquals(java.util.Optional.of(dev.containerrunner.plugin.execution.FailureReason.START_FAILED), refused.failureReason());
        ContainerEngineException unreachable = assertThrows(ContainerEngineException.class, () -> errors.call("start container",
                dev.containerrunner.plugin.execution.FailureReason.START_FAILED, () -> {
                    throw new RuntimeException(new ConnectException("Connection refused"));
                }));
        assertEquals(java.util.Optional.of(dev.containerrunner.plugin.execution.FailureReason.ENGINE_UNREACHABLE),
                unreachable.failureReason(), "a start the engine never heard of is no refusal");
    }
}
