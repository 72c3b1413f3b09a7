package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.containerrunner.plugin.model.ContainerPath;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backend-neutral description of a streamed input. */
class StreamedInputTest {

    private static final ContainerPath PATH = new ContainerPath("/in/a.bin");

    @Test
    void bytesInMemoryOpenAsOftenAsNeeded() throws Exception {
        StreamedInput in = StreamedInput.ofBytes(PATH, new byte[] {1, 2, 3});
        assertEquals(3, in.sizeBytes());
        assertEquals(Optional.empty(), in.sha256Hex());
        for (int i = 0; i < 2; i++) {
            try (InputStream s = in.opener().open()) {
                assertArrayEquals(new byte[] {1, 2, 3}, s.readAllBytes());
            }
        }
    }

    @Test
    void aNegativeSizeOrAMalformedShaIsRefused() {
        InputOpener opener = () -> new ByteArrayInputStream(new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> new StreamedInput(PATH, -1, Optional.empty(), opener));
        assertThrows(IllegalArgumentException.class, () -> new StreamedInput(PATH, 0, Optional.of("ABC"), opener));
        assertThrows(IllegalArgumentException.class, () -> new StreamedInput(PATH, 0, Optional.of("A".repeat(64)), opener));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                new StreamedInput(PATH, 0, Optional.of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                        opener).sha256Hex().orElseThrow());
    }
}
