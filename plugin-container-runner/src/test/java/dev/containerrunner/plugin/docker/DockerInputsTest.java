package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.DeliveredInput;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.S3Url;
import dev.containerrunner.plugin.s3.ObjectSource;
import dev.containerrunner.spi.CancellationSignal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Delivering {@code inputs} on Docker: a copy that returns without reading the whole archive delivered nothing. */
class DockerInputsTest {

    private static final int A_SIZE = 100 << 10;

    /** Two objects under {@code s3://data/in/}; each opened stream is remembered, to see that it was closed. */
    private static final class Store implements ObjectSource {
        final TreeMap<String, byte[]> objects = new TreeMap<>(Map.of("in/a.bin", new byte[A_SIZE], "in/b.bin", new byte[10]));
        final List<String> closed = new ArrayList<>();

        @Override
        public Optional<Listed> head(S3Url url) {
            return Optional.ofNullable(objects.get(url.key())).map(b -> new Listed(url.key(), b.length, "e"));
        }

        @Override
        public List<Listed> list(S3Url prefix, int limit) {
            List<Listed> out = new ArrayList<>();
            objects.forEach((k, v) -> out.add(new Listed(k, v.length, "e")));
            return out;
        }

        @Override
        public InputStream open(S3Url url, Optional<String> etag) {
            return new ByteArrayInputStream(objects.get(url.key())) {
                @Override
                public void close() {
                    closed.add(url.key());
                }
            };
        }
    }

    private final Store store = new Store();
    private final DockerGateway gateway = mock(DockerGateway.class);

    private DockerInputs inputs() {
        RunRequest request = RunRequest.from("run_with_input", Map.of("image", "busybox",
                "inputs", List.of(Map.of("s3_url", "s3://data/in/", "path", "/input/set"))), RunnerConfig.defaults().requestDefaults());
        DockerInputs inputs = new DockerInputs(gateway, new InputSource(() -> store), request, CancellationSignal.never());
        inputs.resolve();
        return inputs;
    }

    /** The engine's copy reads {@code bytes} of the archive (all of it when negative), then returns as if it succeeded. */
    private void copyReads(long bytes) {
        doAnswer(call -> {
            InputStream archive = call.getArgument(2);
            if (bytes < 0) {
                archive.transferTo(java.io.OutputStream.nullOutputStream());
            } else {
                archive.readNBytes((int) bytes);
            }
            return null;
        }).when(gateway).copyInto(eq("c1"), eq("/input/set"), any());
    }

    @Test
    void aCopyThatStopsInsideAnObjectFailsNamingIt() {
        copyReads(4096);
        DockerInputs inputs = inputs();
        InputFailedException e = assertThrows(InputFailedException.class, () -> inputs.deliver("c1"));
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), e.failureReason());
        assertTrue(e.getMessage().startsWith("input s3://data/in/a.bin: was not streamed in full: the engine's copy stopped"
                + " reading the archive inside it (0 of 2 objects of /input/set delivered)"), e.getMessage());
        assertEquals(List.of("in/a.bin"), store.closed, "the object in flight must be closed");
        assertEquals(List.of(), inputs.delivered());
    }

    @Test
    void aCopyThatStopsBeforeAnObjectFailsNamingIt() {
        copyReads(512 + A_SIZE); // a.bin's header and bytes: it ends and is verified; b.bin is never reached
        DockerInputs inputs = inputs();
        InputFailedException e = assertThrows(InputFailedException.class, () -> inputs.deliver("c1"));
        assertEquals(Optional.of(FailureReason.INPUT_FAILED), e.failureReason());
        assertTrue(e.getMessage().startsWith("input s3://data/in/b.bin: was not streamed in full: the engine's copy stopped"
                + " reading the archive before it (1 of 2 objects of /input/set delivered)"), e.getMessage());
        assertEquals(List.of("in/a.bin"), store.closed);
        assertEquals(List.of(), inputs.delivered());
    }

    @Test
    void aCopyThatReadsEverythingDeliversEveryObject() {
        copyReads(-1);
        DockerInputs inputs = inputs();
        inputs.deliver("c1");
        assertEquals(List.of("/input/set/a.bin", "/input/set/b.bin"), inputs.delivered().stream().map(DeliveredInput::path).toList());
        assertEquals(List.of("in/a.bin", "in/b.bin"), store.closed);
    }
}
