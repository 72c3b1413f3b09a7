package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReaperTest {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String HOST = Labels.ownerId().substring(Labels.ownerId().indexOf('@') + 1);

    /** Runs in memory; deletions recorded, failures on demand. */
    static class FakeStrategy implements ReaperStrategy<FakeStrategy.FakeRun> {
        record FakeRun(RunLabels labels) implements ReaperStrategy.Run {
        }

        final List<FakeRun> runs = new CopyOnWriteArrayList<>();
        final Map<String, Instant> finished = new HashMap<>();
        final List<String> deleted = new CopyOnWriteArrayList<>();
        final Set<String> failing = new HashSet<>();
        final List<List<String>> askedForFinish = new ArrayList<>();
        boolean unreachable;

        void add(Map<String, String> labels) {
            runs.add(new FakeRun(RunLabels.of(labels)));
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public List<FakeRun> list() {
            if (unreachable) {
                throw new ContainerEngineException("list", "unreachable", null);
            }
            return List.copyOf(runs);
        }

        @Override
        public Map<FakeRun, Instant> mainFinishedAt(List<FakeRun> asked) {
            askedForFinish.add(asked.stream().map(r -> r.labels().attempt()).toList());
            Map<FakeRun, Instant> m = new HashMap<>();
            asked.forEach(r -> {
                if (finished.containsKey(r.labels().attempt())) {
                    m.put(r, finished.get(r.labels().attempt()));
                }
            });
            return m;
        }

        @Override
        public void delete(FakeRun run) {
            deleteAttempt(run.labels().attempt());
        }

        @Override
        public void deleteAttempt(String attempt) {
            if (failing.contains(attempt)) {
                throw new ContainerEngineException("delete", attempt + " is stuck", null);
            }
            deleted.add(attempt);
            runs.removeIf(r -> attempt.equals(r.labels().attempt()));
        }
    }

    final FakeStrategy strategy = new FakeStrategy();
    final Reaper reaper = new Reaper(strategy, Clock.fixed(NOW, ZoneOffset.UTC));

    static Map<String, String> run(String attempt, String... kv) {
        Map<String, String> m = new HashMap<>(Labels.managed());
        m.put(Labels.ATTEMPT, attempt);
        m.put(Labels.RUN, "wf-run");
        m.put(Labels.OWNER, Labels.ownerId());
        m.put(Labels.OWNER_STARTED, Long.toString(Labels.ownerStartMillis()));
        m.put(Labels.EXPIRES_AT, Long.toString(NOW.plusSeconds(3600).getEpochSecond()));
        m.put(Labels.RETENTION, "60");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void removesWhatTheRulesSayAndKeepsTheRest() {
        strategy.add(run("orphan", Labels.OWNER, "999999999@" + HOST, Labels.OWNER_STARTED, "1"));
        strategy.add(run("expired", Labels.EXPIRES_AT, Long.toString(NOW.getEpochSecond())));
        strategy.add(run("retention-over"));
        strategy.add(run("retained"));
        strategy.add(run("running"));
        strategy.add(run("elsewhere", Labels.OWNER, "1@another-host"));
        strategy.finished.put("retention-over", NOW.minusSeconds(60));
        strategy.finished.put("retained", NOW.minusSeconds(59));
        strategy.finished.put("elsewhere", NOW.minusSeconds(1));

        assertEquals(3, reaper.sweep());
        assertEquals(Set.of("orphan", "expired", "retention-over"), Set.copyOf(strategy.deleted));
        assertEquals(List.of(List.of("retention-over", "retained", "running", "elsewhere")), strategy.askedForFinish,
                "the end of a run is asked for once per sweep, only for runs not already due");
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = NOW;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void retentionOfThisProcesssAttemptsBeginsWhenTheResultIsHandedBack() {
        MovingClock clock = new MovingClock();
        Reaper r = new Reaper(strategy, clock);
        strategy.add(run("slow-hand-back"));
        strategy.add(run("other-process-run", Labels.OWNER, "1@another-host"));
        strategy.finished.put("slow-hand-back", NOW.minusSeconds(120)); // exited long before the action returned
        strategy.finished.put("other-process-run", NOW.minusSeconds(120));
        AttemptTracker.Hold hold = r.begin("slow-hand-back");
        assertEquals(1, r.sweep(), "in flight: not reaped for retention; another process's run: by its exit time");
        assertEquals(List.of("other-process-run"), strategy.deleted);

        hold.close();
        clock.now = NOW.plusSeconds(59);
        assertEquals(0, r.sweep(), "59 s after the hand-back, with 60 s of retention");
        clock.now = NOW.plusSeconds(60);
        hold.close(); // idempotent: the hand-back time stays the first
        assertEquals(1, r.sweep());
        assertEquals(List.of("other-process-run", "slow-hand-back"), strategy.deleted);
    }

    @Test
    void anAttemptInFlightIsStillBoundByItsHardExpiry() {
        strategy.add(run("in-flight", Labels.EXPIRES_AT, Long.toString(NOW.getEpochSecond())));
        try (AttemptTracker.Hold hold = reaper.begin("in-flight")) {
            assertEquals(1, reaper.sweep());
        }
        assertEquals(List.of("in-flight"), strategy.deleted);
    }

    @Test
    void noRunsAskNothingMoreThanTheList() {
        assertEquals(0, reaper.sweep());
        assertEquals(List.of(), strategy.askedForFinish);
    }

    @Test
    void failedRemovalsAreRetriedByLaterSweeps() {
        strategy.add(run("stuck", Labels.EXPIRES_AT, "0"));
        strategy.failing.add("stuck");
        reaper.removeLater("from-a-run");
        strategy.failing.add("from-a-run");
        assertEquals(0, reaper.sweep());
        strategy.failing.clear();
        strategy.runs.clear(); // listed no more: only the retry set remembers them
        reaper.sweep();
        assertEquals(Set.of("stuck", "from-a-run"), Set.copyOf(strategy.deleted));
        strategy.deleted.clear();
        reaper.sweep();
        assertEquals(List.of(), strategy.deleted, "retried until done, then forgotten");
    }

    @Test
    void theEndOfAWorkflowRunReleasesOnlyThisProcesssRunsMarkedForIt() {
        strategy.add(run("mine", Labels.RELEASE_AT_RUN_END, "true"));
        strategy.add(run("kept-longer", Labels.RELEASE_AT_RUN_END, "false"));
        strategy.add(run("other-run", Labels.RELEASE_AT_RUN_END, "true", Labels.RUN, "wf-other"));
        strategy.add(run("other-process", Labels.RELEASE_AT_RUN_END, "true", Labels.OWNER_STARTED, "1"));
        reaper.runFinished("wf-run");
        assertEquals(List.of("mine"), strategy.deleted);
    }

    @Test
    void releaseThatFailsIsRetried() {
        strategy.failing.add("busy");
        reaper.release("busy");
        assertTrue(strategy.deleted.isEmpty());
        strategy.failing.clear();
        reaper.sweep();
        assertEquals(List.of("busy"), strategy.deleted);
    }

    @Test
    void closeRemovesWhatThisProcessKeepsAndStopsSweeping() throws Exception {
        strategy.add(run("mine"));
        strategy.add(run("theirs", Labels.OWNER, "1@another-host"));
        reaper.start(Duration.ofMillis(20));
        reaper.close();
        assertEquals(List.of("mine"), strategy.deleted);
        strategy.add(run("later", Labels.EXPIRES_AT, "0"));
        Thread.sleep(100);
        assertFalse(strategy.deleted.contains("later"), "no sweep after close");
    }

    @Test
    void closeWithTheEngineGoneDoesNotThrow() {
        strategy.unreachable = true;
        reaper.close();
        assertTrue(strategy.deleted.isEmpty());
    }

    @Test
    void sweepsPeriodicallyAfterTheFirst() throws Exception {
        reaper.start(Duration.ofMillis(20));
        try {
            strategy.add(run("soon", Labels.EXPIRES_AT, "0"));
            long deadline = System.currentTimeMillis() + 5_000;
            while (!strategy.deleted.contains("soon") && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("soon"), strategy.deleted);
        } finally {
            strategy.runs.clear();
            reaper.close();
        }
    }
}
