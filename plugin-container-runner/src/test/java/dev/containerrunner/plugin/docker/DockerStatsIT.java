package dev.containerrunner.plugin.docker;

import static dev.containerrunner.plugin.docker.StatsStreamProbe.await;
import static dev.containerrunner.plugin.docker.StatsStreamProbe.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.containerrunner.plugin.TestImages;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import dev.containerrunner.plugin.execution.UsageSamples;
import dev.containerrunner.plugin.execution.UsageUnavailable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 §3 (review 3) on the real engine, through both stats transports (straight over the Unix
 * socket, and docker-java's client, what a TCP engine uses): the engine's 404 for a stats stream
 * reaches the measurement as {@code stats_failed}; a healthy stream gives readings and no failure,
 * also for a while after the container exited (the engine sends empty readings then, it does not
 * end the stream, so an ended stream is a failure).
 */
class DockerStatsIT {

    private static final String SOCKET = "unix:///var/run/docker.sock";

    private static List<StreamTransport> transports(DockerHttpClient http) {
        DockerErrors errors = new DockerErrors(SOCKET);
        return List.of(new UnixSocketTransport(Path.of("/var/run/docker.sock"), errors), new DockerJavaTransport(
                DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(SOCKET).build(), http),
                http, errors));
    }

    @Test
    void theEnginesAnswerForNoSuchContainerIsStatsFailedOnBothTransports() throws Exception {
        try (DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(SOCKET)).build()) {
            List<StreamTransport> ts = transports(http);
            for (StreamTransport t : ts) {
                UsageSamples usage = new UsageSamples(System.nanoTime());
                try (DockerGateway.StatsStream stats = t.stats("no-such-container-" + System.nanoTime(), usage)) {
                    Throwable failure = awaitFailure(usage);
                    assertTrue(failure instanceof NoSuchContainerException || failure instanceof NotFoundException, t + ": " + failure);
                    assertEquals(UsageUnavailable.STATS_FAILED, usage.report(60, 1, 64L << 20, false).unavailable(), t.toString());
                }
            }
        }
    }

    @Test
    void aHealthyStreamReadsAndDoesNotFailAfterTheContainerExited() throws Exception {
        try (DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(SOCKET)).build();
             DockerJavaGateway gateway = DockerJavaGateway.connect(SOCKET)) {
            String id = gateway.createContainer(new ContainerSpec(TestImages.BUSYBOX, null, List.of("sleep", "2"), Map.of(), "65534",
                    32L << 20, 500_000_000L, 16, "none", false, false, List.of(), Map.of("purpose", "stats-test"), null, false));
            try {
                gateway.start(id);
                List<StreamTransport> ts = transports(http);
                UsageSamples[] usage = {new UsageSamples(System.nanoTime()), new UsageSamples(System.nanoTime())};
                DockerGateway.StatsStream[] stats = {ts.get(0).stats(id, usage[0]), ts.get(1).stats(id, usage[1])};
                try {
                    assertEquals(0L, gateway.awaitExit(id).get());
                    Thread.sleep(2500); // two more collector ticks with the container gone: empty readings, no end
                    for (int i = 0; i < 2; i++) {
                        UsageSamples u = usage[i];
                        assertFalse(u.failure().isPresent(), ts.get(i) + ": " + u.failure());
                        u.close();
                        assertTrue(u.samples().size() >= 1, ts.get(i) + ": " + u.samples());
                        assertInstanceOf(Double.class, u.report(2.1, 0.5, 32L << 20, false).usage().cpuSeconds());
                        System.out.println("[stats] " + ts.get(i) + ": " + u.samples().size() + " readings, "
                                + u.report(2.1, 0.5, 32L << 20, false).usage().toMap());
                    }
                } finally {
                    Quietly.closeAll(stats[0], stats[1]);
                }
            } finally {
                gateway.removeContainer(id);
            }
        }
    }
}
