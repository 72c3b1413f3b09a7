package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.containerrunner.plugin.model.MemorySize;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** input_data not delivered whole fails an otherwise successful run; earlier rungs keep precedence. */
class RunVerdictInputTest {

    private static final String PROBLEM = "input_data: only 15728640 of 16777220 bytes were delivered to the container's stdin (x)";

    private static String error(RunVerdict v) {
        return v.error(RunVerdict.Wording.KUBERNETES, Duration.ofSeconds(60), Duration.ofSeconds(5), MemorySize.parse("256m"));
    }

    @Test
    void exitZeroWithUndeliveredInputFails() {
        RunVerdict v = new RunVerdict(false, false, false, 0L, null, null, PROBLEM);
        assertEquals(RunOutcome.INPUT_NOT_DELIVERED, v.outcome());
        assertEquals("failed", v.outcome().auditName());
        assertEquals(PROBLEM, error(v));
    }

    @Test
    void aNonZeroExitAndCancellationKeepPrecedence() {
        assertEquals(RunOutcome.EXIT_CODE, new RunVerdict(false, false, false, 3L, null, null, PROBLEM).outcome());
        assertEquals(RunOutcome.CANCELLED, new RunVerdict(true, false, false, null, null, null, PROBLEM).outcome());
    }

    @Test
    void theSixPartVerdictHasNoInputProblem() {
        assertEquals(RunOutcome.SUCCEEDED, new RunVerdict(false, false, false, 0L, null, null).outcome());
    }
}
