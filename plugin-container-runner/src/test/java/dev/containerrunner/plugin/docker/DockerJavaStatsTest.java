package dev.containerrunner.plugin.docker;

import static dev.containerrunner.plugin.docker.FakeStatsEngine.FRAME;
import static dev.containerrunner.plugin.docker.FakeStatsEngine.chunked;
import static dev.containerrunner.plugin.docker.FakeStatsEngine.status;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.MAX;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.await;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.containerrunner.plugin.docker.DockerGateway.StatsStream;
import dev.containerrunner.plugin.execution.UsageSamples;
import dev.containerrunner.plugin.execution.UsageUnavailable;
import java.io.Closeable;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 §3 (review 3), the docker-java path (TCP and TLS engines): every way the stats stream
 * fails before the run closes it reaches the measurement as {@code stats_failed}, and the
 * connection ends either way. docker-java's real client against a scripted engine on loopback TCP.
 */
class DockerJavaStatsTest {

    private static final long LIMIT = 256L << 20;

    private static DockerClient client(String host) {
        return DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host)
                .withDockerTlsVerify(false).build(), new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host)).build());
    }

    @Test
    void anEngineThatRefusesTheConnectionIsStatsFailed() throws Exception {
        String host;
        try (ServerSocketChannel closed = ServerSocketChannel.open()) {
            closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            host = "tcp://127.0.0.1:" + ((InetSocketAddress) closed.getLocalAddress()).getPort();
        }
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (DockerClient client = client(host); StatsStream stats = DockerStats.stream(client, "c1", usage)) {
            awaitFailure(usage);
            usage.close();
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
    }

    @Test
    void anErrorStatusFromTheEngineIsStatsFailed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.tcp(status(500, "Internal Server Error", "stats collector broken"), false);
             DockerClient client = client(engine.tcpHost()); StatsStream stats = DockerStats.stream(client, "c0ffee", usage)) {
            assertInstanceOf(InternalServerErrorException.class, awaitFailure(usage));
            assertTrue(engine.request().startsWith("GET /containers/c0ffee/stats"), engine.request());
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
        UsageSamples gone = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.tcp(status(404, "Not Found", "No such container: c0ffee"), false);
             DockerClient client = client(engine.tcpHost()); StatsStream stats = DockerStats.stream(client, "c0ffee", gone)) {
            assertInstanceOf(NotFoundException.class, awaitFailure(gone));
        }
    }

    @Test
    void anUnreadableReadingIsStatsFailedAndTheConnectionIsClosed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.tcp(chunked(false, FRAME, "{\"read\": oops\n"), true);
             DockerClient client = client(engine.tcpHost()); StatsStream stats = DockerStats.stream(client, "bad", usage)) {
            awaitFailure(usage);
            assertTrue(engine.awaitClientClosed(MAX), "the stream closed its connection itself");
            assertEquals(1, usage.samples().size(), "the reading before the bad one was taken");
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
    }

    @Test
    void aStreamThatDiesAfterSomeReadingsIsStatsFailed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.tcp(chunked(false, FRAME, FRAME), false);
             DockerClient client = client(engine.tcpHost()); StatsStream stats = DockerStats.stream(client, "dead", usage)) {
            awaitFailure(usage);
            usage.close();
            assertEquals(2, usage.samples().size());
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
    }

    @Test
    void theEngineEndingTheStreamBeforeItWasClosedIsStatsFailed() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.tcp(chunked(true, FRAME), true);
             DockerClient client = client(engine.tcpHost()); StatsStream stats = DockerStats.stream(client, "ended", usage)) {
            assertInstanceOf(EOFException.class, awaitFailure(usage));
            assertEquals(1, usage.samples().size());
            assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60.0, 1.0, LIMIT, false).unavailable());
        }
    }

    @Test
    void aHealthyStreamClosedByTheRunIsMeasuredAndLeavesNoConnection() throws Exception {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        try (FakeStatsEngine engine = FakeStatsEngine.tcp(chunked(false, FRAME), true); DockerClient client = client(engine.tcpHost())) {
            StatsStream stats = DockerStats.stream(client, "healthy", usage);
            await("the reading", () -> usage.samples().size() == 1);
            usage.close();
            stats.close();
            stats.close();
            assertTrue(engine.awaitClientClosed(MAX), "closing the stream closed its connection");
            assertFalse(usage.failure().isPresent(), "a stream the run closed did not fail");
            assertEquals(1, usage.report(0.5, 1.0, LIMIT, false).usage().samples());
        }
    }

    @Test
    void aResponseArrivingAfterCloseIsClosedAtOnceAndLateEndsAreNoFailure() {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        DockerJavaStats stats = new DockerJavaStats("late", usage);
        stats.close();
        AtomicInteger closes = new AtomicInteger();
        Closeable response = closes::incrementAndGet;
        stats.onStart(response); // docker-java's own template would reopen here
        assertEquals(1, closes.get());
        stats.onError(new EOFException("closed under the reader"));
        stats.onComplete();
        assertFalse(usage.failure().isPresent());
    }

    @Test
    void dockerJavasErrorThenCompleteIsOneFailureAndClosesTheResponse() {
        UsageSamples usage = new UsageSamples(System.nanoTime());
        DockerJavaStats stats = new DockerJavaStats("twice", usage);
        AtomicInteger closes = new AtomicInteger();
        stats.onStart(closes::incrementAndGet);
        RuntimeException first = new RuntimeException("broken pipe");
        stats.onError(first);
        stats.onComplete();
        assertEquals(first, usage.failure().orElseThrow());
        assertEquals(1, closes.get());
        stats.close();
        assertEquals(1, closes.get());
    }
}
