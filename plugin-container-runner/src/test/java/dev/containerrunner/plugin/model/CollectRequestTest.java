package dev.containerrunner.plugin.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.InvalidKwargsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** file_paths: each path once (the same file listed 1000 times is refused before anything is read). */
class CollectRequestTest {

    @Test
    void aRepeatedPathIsRefusedNamingBothPositions() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            paths.add("/out/one.mib");
        }
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> CollectRequest.from("collect_output",
                Map.of("container_id", "0123456789ab", "file_paths", paths)));
        assertEquals("file_paths[1]", e.parameter());
        assertTrue(e.getMessage().contains("repeats file_paths[0] (/out/one.mib)"), e.getMessage());
        InvalidKwargsException slash = assertThrows(InvalidKwargsException.class, () -> CollectRequest.from("collect_output",
                Map.of("container_id", "0123456789ab", "file_paths", List.of("/out", "/x", "/out/"))));
        assertEquals("file_paths[2]", slash.parameter(), "/out/ is /out");
    }

    @Test
    void distinctPathsAreKeptInOrder() {
        CollectRequest r = CollectRequest.from("collect_output", Map.of("container_id", "0123456789ab",
                "file_paths", List.of("/out/b", "/out/a", "/out")));
        assertEquals(List.of("/out/b", "/out/a", "/out"), r.filePaths().stream().map(ContainerPath::value).toList());
    }
}
