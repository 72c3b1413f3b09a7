package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a missing path is said to be, by the runtime the container ran under. */
class DockerRunFilesTest {

    private static String noteUnder(Optional<String> runtime) {
        return new DockerRunFiles(() -> {
            throw new AssertionError("no engine call expected");
        }, "0123456789ab", runtime, List::of).absenceNote();
    }

    @Test
    void underGvisorAMissingPathMayBeAFifoOrSocketKeptInTheSandbox() {
        assertEquals(DockerRunFiles.GVISOR_ABSENCE, noteUnder(Optional.of("runsc")));
        assertEquals(DockerRunFiles.GVISOR_ABSENCE, noteUnder(Optional.of("gvisor-kvm")));
        assertTrue(DockerRunFiles.GVISOR_ABSENCE.contains("FIFO or socket"), DockerRunFiles.GVISOR_ABSENCE);
    }

    @Test
    void underRuncOrTheEnginesDefaultNothingIsAdded() {
        assertEquals("", noteUnder(Optional.empty()));
        assertEquals("", noteUnder(Optional.of("runc")));
    }
}
