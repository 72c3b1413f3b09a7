package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PullResponseItem;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Layers done of layers seen and bytes downloaded, at most one line every 2 s. */
class PullProgressTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PullProgress progress = new PullProgress("r.example/a:1", now::get);

    private static PullResponseItem item(String json) throws IOException {
        return new ObjectMapper().readValue(json, PullResponseItem.class);
    }

    private Optional<String> at(double seconds, String json) throws IOException {
        now.set(1_000_000_000L + (long) (seconds * 1e9));
        return progress.update(item(json));
    }

    @Test
    void oneLineAtMostEveryTwoSeconds() throws IOException {
        assertEquals(Optional.empty(), at(0.0, "{\"status\":\"Pulling from a\",\"id\":\"1\"}"));
        assertEquals(Optional.empty(), at(0.1, "{\"status\":\"Pulling fs layer\",\"id\":\"l1\"}"));
        assertEquals(Optional.empty(), at(0.1, "{\"status\":\"Already exists\",\"id\":\"l0\"}"));
        assertEquals(Optional.empty(), at(0.2, "{\"status\":\"Waiting\",\"id\":\"l2\"}"));
        assertEquals(Optional.empty(), at(1.0, "{\"status\":\"Downloading\",\"id\":\"l1\","
                + "\"progressDetail\":{\"current\":1000000,\"total\":4000000},\"progress\":\"[=>  ]\"}"));
        assertEquals(Optional.of("pulling r.example/a:1: 1/3 layers, 2.0 of 4.0 MB"), at(2.0, "{\"status\":\"Downloading\","
                + "\"id\":\"l1\",\"progressDetail\":{\"current\":2000000,\"total\":4000000}}"));
        assertEquals(Optional.empty(), at(3.9, "{\"status\":\"Download complete\",\"id\":\"l1\"}"));
        assertEquals(Optional.empty(), at(3.95, "{\"status\":\"Downloading\",\"id\":\"l2\","
                + "\"progressDetail\":{\"current\":500000,\"total\":1000000}}"));
        assertEquals(Optional.of("pulling r.example/a:1: 2/3 layers, 4.5 of 5.0 MB"), at(4.0,
                "{\"status\":\"Pull complete\",\"id\":\"l1\"}"));
        assertEquals(Optional.empty(), at(5.0, "{\"status\":\"Extracting\",\"id\":\"l2\","
                + "\"progressDetail\":{\"current\":10,\"total\":999999999}}"));
        assertEquals(Optional.empty(), at(5.5, "{\"status\":\"Pull complete\",\"id\":\"l2\"}"));
        assertEquals(Optional.empty(), at(5.6, "{\"status\":\"Digest: sha256:" + "d".repeat(64) + "\"}"));
        assertEquals("3/3 layers, 5.0 of 5.0 MB", progress.summary(), "extraction bytes are not download bytes");
    }
}
