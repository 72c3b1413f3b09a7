package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusLineTest {

    static final String ERASE = "\r\u001b[K";

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final StatusLine line = new StatusLine(screen);
    private final PrintStream err = new PrintStream(line, true, StandardCharsets.UTF_8);

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAStatusBytesPassThroughUnchanged() throws IOException {
        err.println("[t] one");
        err.print("partial");
        err.println(" line \u2713");
        line.clear();
        line.close();
        assertEquals("[t] one\npartial line \u2713\n", screen());
    }

    @Test
    void theStatusStaysBelowEveryLineAndIsErasedAtTheEnd() throws IOException {
        line.show("status 1");
        err.println("[t] one");
        line.show("status 2");
        err.println("[t] two");
        line.clear();
        err.println("after");
        assertEquals("status 1" + ERASE + "[t] one\nstatus 1" + ERASE + "status 2" + ERASE + "[t] two\nstatus 2" + ERASE
                + "after\n", screen());
    }

    @Test
    void aStatusWaitsForTheEndOfAPartlyWrittenLine() throws IOException {
        err.print("[t] half");
        line.show("status");
        assertEquals("[t] half", screen(), "never drawn into the middle of a line");
        err.print(" and the rest\n");
        assertEquals("[t] half and the rest\nstatus", screen());
        line.close();
        line.close();
        assertEquals("[t] half and the rest\nstatus" + ERASE, screen(), "close erases once");
    }
}
