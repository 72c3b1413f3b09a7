package dev.containerrunner.plugin.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.RunResult;
import dev.containerrunner.plugin.execution.RunVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit line's failure_reason and attempt (added fields; app_version stays last, outcome and reason keep their order). */
class AuditReasonTest {

    @Test
    void theLineCarriesTheResultsReasonAndTheAttemptNumber() {
        RunResult oom = RunResult.builder("c1", false).attempt(2)
                .verdict(new RunVerdict(false, false, true, 137L, null, null), "out of memory").build();
        AuditRecord r = AuditRecord.attempt("run", "run_container", "wf", "r", "t").attemptNumber(2).result(oom);
        assertEquals("oom_killed", r.fields().get("failure_reason"));
        assertEquals("oom_killed", r.fields().get("outcome"));
        assertEquals(2, r.fields().get("attempt"));
        List<String> keys = List.copyOf(r.fields().keySet());
        assertEquals(List.of("failure_reason", "outcome", "reason"), keys.subList(keys.size() - 3, keys.size()));
        assertEquals(keys.indexOf("attempt_id") + 1, keys.indexOf("attempt"));
    }

    @Test
    void denialsAndInvalidRequestsAreClassedByTheirOutcomeAndEngineErrorsByTheirException() {
        assertEquals("policy_denied", AuditRecord.attempt("validate", "run_container", null, null, null)
                .outcome(AuditRecord.Outcome.DENIED, "no").fields().get("failure_reason"));
        assertEquals("invalid_request", AuditRecord.attempt("run", "run_container", "wf", "r", "t")
                .outcome(AuditRecord.Outcome.INVALID, "no").fields().get("failure_reason"));
        assertEquals("engine_unreachable", AuditRecord.attempt("run", "run_container", "wf", "r", "t")
                .outcome(AuditRecord.Outcome.ERROR, "x", FailureReason.ENGINE_UNREACHABLE).fields().get("failure_reason"));
        AuditRecord ok = AuditRecord.attempt("run", "run_container", "wf", "r", "t")
                .outcome(AuditRecord.Outcome.SUCCEEDED, null);
        assertNull(ok.fields().get("failure_reason"));
        assertNull(ok.fields().get("attempt"), "no attempt number where none is known (validation)");
        AuditRecord started = AuditRecord.attempt("run", "run_container", "wf", "r", "t").attemptNumber(1).started();
        assertEquals("started", started.fields().get("outcome"));
        assertNull(started.fields().get("failure_reason"));
    }
}
