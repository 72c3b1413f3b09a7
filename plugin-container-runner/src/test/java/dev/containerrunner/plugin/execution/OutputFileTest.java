package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.spi.CancellationSignal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** output_file read back: what a missing file is reported as. */
class OutputFileTest {

    private static OutputFile read(FakeRunFiles files, String path) {
        return OutputFile.read(new ContainerPath(path), files, 100, CancellationSignal.never(), Duration.ofMinutes(1));
    }

    @Test
    void aMissingOutputFileIsNotWrittenAndSaysWhatTheSourceCannotSee() {
        OutputFile plain = read(new FakeRunFiles("/out"), "/out/r");
        assertEquals("output_file /out/r was not written by the container", plain.problem());
        assertNull(plain.content());
        String note = " (or, under a sandbox, was made as a FIFO)";
        OutputFile sandboxed = read(new FakeRunFiles("/out").absenceNote(note), "/out/r");
        assertEquals("output_file /out/r was not written by the container" + note, sandboxed.problem());
        assertNull(sandboxed.content());
        assertNull(sandboxed.encoding());
    }
}
