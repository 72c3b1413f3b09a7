package dev.containerrunner.plugin.docker;

import static dev.containerrunner.plugin.docker.FakeStatsEngine.FRAME;
import static dev.containerrunner.plugin.docker.FakeStatsEngine.chunked;
import static dev.containerrunner.plugin.docker.FakeStatsEngine.status;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.MAX;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.await;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.awaitFailure;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.threadAlive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.ResourceUsage;
import dev.containerrunner.plugin.execution.UsageSamples;
import dev.containerrunner.plugin.execution.UsageUnavailable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 §3 (review 3): every way the Unix-socket stats stream fails before the run closes it
 * reaches the measurement, which then says {@code stats_failed} (never {@code not_sampled}, never
 * a long tail extrapolated from a dead stream); the stream's connection and thread end either way.
 * Against a scripted engine on a Unix socket of the test's own.
 */
class UnixSocketStatsTest {

    private static final long LIMIT = 256L << 20;

    @TempDir
    Path dir;

    private static String thread(String id) {
        return "stats-" + id.substring(0, 12);
    }

    @Test
    void aStatsStreamThatCannotConnectIsReportedAsStatsFailed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (UnixSocketStats stats = UnixSocketStats.stream(Path.of("/nonexistent/docker.sock"), "abcdef123456", usage)) {
            assertInstanceOf(IOException.class, awaitFailure(usage));
            usage.close();
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
        await("the reader thread ends", () -> !threadAlive(thread("abcdef123456")));
    }

    @Test
    void anErrorStatusFromTheEngineIsStatsFailed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("e.sock"),
                status(500, "Internal Server Error", "stats collector broken"), false);
             UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("e.sock"), "c0ffee000000aa", usage)) {
            Throwable t = awaitFailure(usage);
            assertInstanceOf(ContainerEngineException.class, t);
            assertTrue(t.getMessage().contains("500") && t.getMessage().contains("stats collector broken"), t.getMessage());
            assertTrue(engine.request().startsWith("GET /containers/c0ffee000000aa/stats?stream=true "), engine.request());
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
        UsageSamples gone = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("g.sock"),
                status(404, "Not Found", "No such container: c0ffee000001"), false);
             UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("g.sock"), "c0ffee000001", gone)) {
            assertInstanceOf(NoSuchContainerException.class, awaitFailure(gone));
        }
    }

    @Test
    void anUnreadableReadingIsStatsFailedAndTheConnectionIsClosed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("e.sock"), chunked(false, FRAME, "{\"read\": oops\n"), true);
             UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("e.sock"), "badbadbadbad00", usage)) {
            assertInstanceOf(IOException.class, awaitFailure(usage));
            assertTrue(engine.awaitClientClosed(MAX), "the stream closed its connection itself");
            assertEquals(1, usage.samples().size(), "the reading before the bad one was taken");
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
        await("the reader thread ends", () -> !threadAlive(thread("badbadbadbad00")));
    }

    @Test
    void aStreamThatDiesAfterSomeReadingsIsStatsFailedNotALongExtrapolatedTail() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("e.sock"), chunked(false, FRAME, FRAME), false);
             UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("e.sock"), "deaddeaddead00", usage)) {
            Throwable t = awaitFailure(usage);
            assertInstanceOf(EOFException.class, t, "the connection dropped inside the chunked body");
            usage.close();
            assertEquals(2, usage.samples().size());
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
            assertTrue(ResourceUsage.measure(usage.samples(), 60.0, 1.0, LIMIT, false).usage().unsampledSeconds() > 59,
                    "what the healthy-stream report would have extrapolated");
        }
    }

    @Test
    void theEngineEndingTheStreamBeforeItWasClosedIsStatsFailed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("e.sock"), chunked(true, FRAME), false);
             UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("e.sock"), "endendendend00", usage)) {
            assertInstanceOf(EOFException.class, awaitFailure(usage));
            assertEquals(1, usage.samples().size());
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
    }

    @Test
    void aHealthyStreamClosedByTheRunIsMeasuredAndLeavesNoConnectionOrThread() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("e.sock"), chunked(false, FRAME), true)) {
            UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("e.sock"), "healthy00000000", usage);
            await("the reading", () -> usage.samples().size() == 1);
            usage.close(); // as the run does: first the samples, then the stream
            stats.close();
            stats.close();
            assertTrue(engine.awaitClientClosed(MAX), "closing the stream closed its connection");
            await("the reader thread ends", () -> !threadAlive(thread("healthy00000000")));
            assertFalse(usage.failure().isPresent(), "a stream the run closed did not fail");
            assertEquals(1, usage.report(0.5, 1.0, LIMIT, false).usage().samples());
        }
    }

    @Test
    void aStreamClosedBeforeTheEngineAnsweredEndsAtOnceWithoutAFailure() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.unix(dir.resolve("e.sock"), "", true)) {
            UnixSocketStats stats = UnixSocketStats.stream(dir.resolve("e.sock"), "silent000000000", usage);
            await("the request", () -> !engine.request().isEmpty());
            long start = System.nanoTime();
            stats.close();
            assertTrue((System.nanoTime() - start) / 1e6 < 1000, "close does not wait for the engine");
            assertTrue(engine.awaitClientClosed(MAX));
            await("the reader thread ends", () -> !threadAlive(thread("silent000000000")));
            assertFalse(usage.failure().isPresent(), "the end the run asked for is no failure");
            assertEquals(UsageUnavailable.NOT_SAMPLED, usage.report(0.2, 1.0, LIMIT, false).unavailable());
        }
    }
}
