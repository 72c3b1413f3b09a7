package dev.containerrunner.plugin.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RunLabelsTest {

    @Test
    void readsTheLabelsOfAnAttempt() {
        Instant expires = Instant.ofEpochSecond(2_000_000_000L);
        RunLabels l = RunLabels.of(Labels.forAttempt(new TestContext("t"), "a1", expires, Duration.ofSeconds(90), true));
        assertTrue(l.managed());
        assertEquals("a1", l.attempt());
        assertEquals("run-t", l.run());
        assertEquals(Labels.ownerId(), l.owner());
        assertEquals(OptionalLong.of(Labels.ownerStartMillis()), l.ownerStarted());
        assertEquals(expires, l.expiresAt());
        assertEquals(Duration.ofSeconds(90), l.retention());
        assertTrue(l.releaseAtRunEnd());
        assertTrue(l.ownedByThisProcess());
        assertFalse(l.ownerIsGone());
    }

    @Test
    void missingOrMalformedValuesReadAsHarmlessDefaults() {
        RunLabels l = RunLabels.of(Map.of(Labels.EXPIRES_AT, "soon", Labels.RETENTION, "x", Labels.OWNER, "nobody",
                Labels.MANAGED_BY, "someone-else"));
        assertFalse(l.managed());
        assertNull(l.attempt());
        assertEquals(Instant.MAX, l.expiresAt());
        assertFalse(l.expired(Instant.now()));
        assertEquals(Duration.ZERO, l.retention());
        assertFalse(l.ownerIsGone(), "an owner that is not pid@host is never judged gone");
        assertFalse(l.ownedByThisProcess());
        assertFalse(l.releaseAtRunEnd());
    }

    @Test
    void expiryIsInclusiveAndRetentionCountsFromTheEnd() {
        RunLabels l = RunLabels.of(Map.of(Labels.EXPIRES_AT, "100", Labels.RETENTION, "10"));
        assertFalse(l.expired(Instant.ofEpochSecond(99, 999_999_999)));
        assertTrue(l.expired(Instant.ofEpochSecond(100)));
        assertFalse(l.retentionOver(Instant.ofEpochSecond(50), Instant.ofEpochSecond(59)));
        assertTrue(l.retentionOver(Instant.ofEpochSecond(50), Instant.ofEpochSecond(60)));
    }

    @Test
    void anOwnerIsGoneOnlyOnThisHost() {
        String host = Labels.ownerId().substring(Labels.ownerId().indexOf('@') + 1);
        assertTrue(RunLabels.of(Map.of(Labels.OWNER, "999999999@" + host)).ownerIsGone(), "no such pid here");
        assertFalse(RunLabels.of(Map.of(Labels.OWNER, "999999999@elsewhere.example")).ownerIsGone());
        assertTrue(RunLabels.of(Map.of(Labels.OWNER, Labels.ownerId(), Labels.OWNER_STARTED, "1")).ownerIsGone(),
                "this pid, but started at another time: a reused pid");
    }
}
