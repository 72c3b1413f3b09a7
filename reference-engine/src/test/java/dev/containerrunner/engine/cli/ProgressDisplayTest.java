package dev.containerrunner.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.TaskOutcome;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.engine.cli.Arguments.ProgressMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary table's columns from task outcomes and results: exit code, failure_reason, error. */
class ProgressDisplayTest {

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final StatusLine line = new StatusLine(screen);
    private final PrintStream err = new PrintStream(line, true, StandardCharsets.UTF_8);

    private static Map<String, Object> result(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void theSummaryShowsExitCodesAndPrefersFailureReasonToTheError() {
        TaskOutcome ok = new TaskOutcome("analyze", "apps.p.a.run", TaskOutcome.Status.SUCCEEDED, 1.234, null);
        TaskOutcome exit3 = new TaskOutcome("exits", "apps.p.a.run", TaskOutcome.Status.FAILED, 65.0, "the container exited with 3");
        TaskOutcome pull = new TaskOutcome("pull", "apps.p.a.run", TaskOutcome.Status.FAILED, 0.5, "image pull failed: unauthorized");
        TaskOutcome skip = new TaskOutcome("report", "apps.p.a.run", TaskOutcome.Status.SKIPPED, 0.0,
                "skipped: dependency 'exits' did not succeed");
        ProgressDisplay display = new ProgressDisplay(err, line, ProgressMode.PLAIN, 4, () -> 80);
        display.start();
        display.started("analyze");
        display.finished(ok, result("success", true, "exit_code", 0L));
        display.started("exits");
        display.finished(exit3, result("success", false, "exit_code", 3L, "error", "the container exited with 3"));
        display.started("pull");
        display.finished(pull, result("success", false, "error", "image pull failed: unauthorized",
                "failure_reason", "image_auth_failed"));
        display.finished(skip, null);
        display.close();
        String before = screen.toString(StandardCharsets.UTF_8);
        assertTrue(before.contains("workflow: analyze succeeded in 1.23s, exit code 0 [1/4 done, 0 running, 0 failed, 0 skipped, 00:00]\n"),
                before);
        assertTrue(before.contains("workflow: pull failed in 0.50s: image_auth_failed [1/4 done, 0 running, 2 failed, 0 skipped"), before);
        screen.reset();
        display.summary(new WorkflowRun("wf", "1.0.0", "r", false, Map.of(), List.of(ok, exit3, pull, skip)));
        assertEquals("""
                workflow: wf 1.0.0 failed in 00:00: 1 succeeded, 2 failed, 1 skipped of 4
                TASK     STATUS     DURATION  EXIT CODE  REASON
                analyze  succeeded  1.23s     0
                exits    failed     1m05s     3          the container exited with 3
                pull     failed     0.50s                image_auth_failed
                report   skipped    -                    dependency 'exits' did not succeed
                """, screen.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theStatusLineNamesRunningTasksAndFitsTheTerminal() {
        ProgressDisplay display = new ProgressDisplay(err, line, ProgressMode.TTY, 3, () -> 40);
        display.started("alpha");
        display.started("beta");
        String status = display.statusText();
        assertEquals(39, status.length(), status);
        assertTrue(status.startsWith("[00:00] 0/3 done, 2 running, 0 f"), status);
        assertTrue(status.endsWith("..."), status);
        ProgressDisplay wide = new ProgressDisplay(err, line, ProgressMode.TTY, 3, () -> 200);
        wide.started("alpha");
        assertEquals("[00:00] 0/3 done, 1 running, 0 failed, 0 skipped; running: alpha 00:00", wide.statusText());
        display.close();
        wide.close();
        assertThrows(IllegalArgumentException.class, () -> new ProgressDisplay(err, line, ProgressMode.AUTO, 1, () -> 80));
    }

    @Test
    void aTaskSkippedForItsExitCodeShowsItsCodeAndWhyAndOneCancelledWhileWaitingToRetrySaysCancelled() {
        TaskOutcome check = new TaskOutcome("check", "apps.p.a.run", TaskOutcome.Status.SKIPPED, 0.4,
                "skipped: exit code 99 is listed in exit_codes.skip", 1, null, false);
        TaskOutcome flaky = new TaskOutcome("flaky", "apps.p.a.run", TaskOutcome.Status.FAILED, 2.0,
                "cancelled while waiting to retry, after attempt 1 failed: the container exited with code 1", 1, "cancelled", false);
        ProgressDisplay display = new ProgressDisplay(err, line, ProgressMode.PLAIN, 2, () -> 80);
        display.start();
        display.finished(check, result("success", false, "exit_code", 99L, "failure_reason", "exit_code"));
        display.finished(flaky, result("success", false, "exit_code", 1L, "failure_reason", "exit_code"));
        display.close();
        screen.reset();
        display.summary(new WorkflowRun("wf", "1.0.0", "r", false, Map.of(), List.of(check, flaky)));
        assertEquals("""
                workflow: wf 1.0.0 failed in 00:00: 0 succeeded, 1 failed, 1 skipped of 2
                TASK   STATUS   DURATION  EXIT CODE  REASON
                check  skipped  0.40s     99         exit code 99 is listed in exit_codes.skip
                flaky  failed   2.00s     1          cancelled
                """, screen.toString(StandardCharsets.UTF_8));
    }
}
