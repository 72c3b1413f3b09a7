package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RunResult#withInputs}: the delivered objects added, everything else kept; and the redacted copy keeps them. */
class RunResultInputsTest {

    private static final DeliveredInput DELIVERED = new DeliveredInput("s3://b/k", "/in/k", 3, "a".repeat(64));

    private static RunResult failed(String error) {
        return RunResult.builder("c1", true).image("busybox", "sha256:1").attempt(2).durationSeconds(1.5)
                .verdict(new RunVerdict(false, false, false, 3L, null, null), error).build();
    }

    @Test
    void withInputsAddsTheDeliveredObjectsAndKeepsTheRest() {
        RunResult r = failed("exit 3");
        RunResult with = r.withInputs(List.of(DELIVERED));
        assertEquals(List.of(DELIVERED), with.inputs());
        assertEquals(r.toMap(), with.toMap(), "not a result key: the public result is the same");
        assertEquals(r.outcome(), with.outcome());
        assertSame(r, r.withInputs(List.of()));
    }

    @Test
    void theRedactedCopyKeepsTheInputs() {
        RunResult with = failed("token s3cr3t leaked").withInputs(List.of(DELIVERED));
        RunResult redacted = with.redacted(Redactor.of(Map.of("t", "s3cr3t".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(DELIVERED), redacted.inputs());
        assertEquals("token *** leaked", redacted.toMap().get("error"));
        assertEquals(List.of("error"), redacted.toMap().get("redacted"));
    }
}
