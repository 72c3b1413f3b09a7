package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * How the main container ended decides what the log's unterminated tail is: a container that exited
 * by itself delivers its exact bytes and no failure; a stopped one's kubelet error text is the
 * stream's failure, never output.
 */
class LogStreamTest {

    private static final String PROGRAM = "line 1\ngrpcurl: rpc error: code = NotFound desc = x";

    /** A log body that is {@code body}, then ends. */
    private static LogWatch body(String body) {
        return new LogWatch() {
            @Override
            public InputStream getOutput() {
                return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public CompletionStage<Throwable> onClose() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void anExitedContainersOutputIsDeliveredExactlyWithoutFailure() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogStream stream = LogStream.follow(body(PROGRAM), "p", out::writeBytes);
        assertTrue(stream.awaitEnd(Duration.ofSeconds(10)));
        assertNull(stream.finish(KubeletLogTail.Ending.EXITED));
        assertEquals(PROGRAM, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStoppedContainersKubeletErrorIsTheFailureNotOutput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogStream stream = LogStream.follow(body("partial rpc error: code = Unknown desc = Error: No such container: fa34"), "p",
                out::writeBytes);
        assertTrue(stream.awaitEnd(Duration.ofSeconds(10)));
        Throwable failure = stream.finish(KubeletLogTail.Ending.STOPPED);
        assertTrue(failure instanceof IOException, String.valueOf(failure));
        assertTrue(failure.getMessage().endsWith("(taken as the kubelet's, not as output: the runner stopped the container mid-line): rpc error: code = Unknown desc = Error: No such"
                + " container: fa34"), failure.getMessage());
        assertEquals("partial ", out.toString(StandardCharsets.UTF_8));
    }
}
