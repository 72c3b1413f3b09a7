package dev.containerrunner.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The closed set of failure reasons, and the SPI exceptions that carry one. */
class FailureReasonTest {

    @Test
    void theWireNamesAreTheIssuesNamesAndReadBack() {
        for (String name : List.of("exit_code", "timeout", "oom_killed", "cancelled", "killed", "start_failed",
                "image_not_found", "image_auth_failed", "registry_unreachable", "pull_timeout", "policy_denied",
                "invalid_request", "output_file_missing", "output_file_too_large", "engine_unreachable", "engine_lost",
                "unschedulable", "start_timeout", "not_found", "too_large", "not_a_regular_file", "upload_failed")) {
            assertEquals(name, FailureReason.of(name).orElseThrow(() -> new AssertionError(name)).wireName());
        }
        for (FailureReason r : FailureReason.values()) {
            assertEquals(Optional.of(r), FailureReason.of(r.wireName()));
        }
        assertEquals(Optional.empty(), FailureReason.of("EXIT_CODE"));
        assertEquals(Optional.empty(), FailureReason.of("exit-code"));
        assertEquals(Optional.empty(), FailureReason.of(null));
    }

    @Test
    void onlyTransientConditionsAreRetryable() {
        assertEquals(EnumSet.of(FailureReason.REGISTRY_UNREACHABLE, FailureReason.PULL_TIMEOUT, FailureReason.ENGINE_UNREACHABLE,
                FailureReason.ENGINE_LOST, FailureReason.UNSCHEDULABLE, FailureReason.START_TIMEOUT, FailureReason.UPLOAD_FAILED,
                FailureReason.INPUT_FAILED),
                FailureReason.retryableReasons());
    }

    @Test
    void exceptionsCarryAReasonOnlyWhenGivenOne() {
        TaskAppException plain = new ActionFailedException("run", "boom");
        assertEquals(Optional.empty(), plain.failureReason());
        assertFalse(plain.retryable());
        assertEquals(Map.of(), plain.resultFields());

        ActionFailedException lost = new ActionFailedException("run", "lost", null, FailureReason.ENGINE_LOST);
        assertEquals("run: lost", lost.getMessage());
        assertTrue(lost.retryable());
        assertEquals(List.of("failure_reason", "retryable"), List.copyOf(lost.resultFields().keySet()));
        assertEquals("engine_lost", lost.resultFields().get("failure_reason"));
        assertEquals(true, lost.resultFields().get("retryable"));

        TaskAppException decided = new TaskAppException("x", null, FailureReason.EXIT_CODE, true);
        assertTrue(decided.retryable(), "the thrower may decide");
    }

    @Test
    void invalidKwargsAreInvalidRequestsUnlessTheThrowerSaysOtherwise() {
        InvalidKwargsException e = new InvalidKwargsException("run", "image", "is required");
        assertEquals("run: parameter 'image' is required", e.getMessage());
        assertEquals(Optional.of(FailureReason.INVALID_REQUEST), e.failureReason());
        assertEquals(Map.of("failure_reason", "invalid_request", "retryable", false), e.resultFields());
        InvalidKwargsException denied = new InvalidKwargsException("run", "image", "is not allowed", FailureReason.POLICY_DENIED);
        assertEquals("policy_denied", denied.resultFields().get("failure_reason"));
    }

    @Test
    void contextsSayTheirAttempt() {
        ActionContext first = ActionContext.of("w", "r", "t", (s, l) -> { }, CancellationSignal.never(), Map.of());
        assertEquals(1, first.attempt());
        assertEquals(3, ActionContext.of("w", "r", "t", (s, l) -> { }, CancellationSignal.never(), Map.of(), 3).attempt());
        assertThrows(IllegalArgumentException.class,
                () -> ActionContext.of("w", "r", "t", (s, l) -> { }, CancellationSignal.never(), Map.of(), 0));
    }
}
