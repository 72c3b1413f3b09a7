package dev.containerrunner.plugin.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.containerrunner.plugin.TestImages;
import dev.containerrunner.plugin.execution.EntryKind;
import dev.containerrunner.plugin.execution.NoSuchContainerException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code HEAD /containers/{id}/archive} on the real engine, through both transports: straight over
 * the Unix socket, and through docker-java's HTTP client (what a TCP engine uses), so the TCP path
 * is exercised on this machine's socket too.
 */
class DockerStatIT {

    private static final String SOCKET = "unix:///var/run/docker.sock";

    @Test
    void bothTransportsStatEveryTypeWithoutReadingIt() throws Exception {
        DockerErrors errors = new DockerErrors(SOCKET);
        DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(SOCKET)).build();
        try (DockerJavaGateway gateway = DockerJavaGateway.connect(SOCKET)) {
            String id = gateway.createContainer(new ContainerSpec(TestImages.BUSYBOX, null, List.of("sh", "-c",
                    "mkdir /tmp/out && cd /tmp/out && echo hello > a && ln -s a s && mkfifo p && truncate -s 8G big"
                            + " && ln -s l2 l1 && ln -s l1 l2"), Map.of(), "65534", 32L << 20, 500_000_000L, 16, "none", false, false,
                    List.of(), Map.of("purpose", "stat-test"), null, false));
            try {
                gateway.start(id);
                assertEquals(0L, gateway.awaitExit(id).get());
                StreamTransport unix = new UnixSocketTransport(Path.of("/var/run/docker.sock"), errors);
                StreamTransport java = new DockerJavaTransport(DockerClientImpl.getInstance(
                        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(SOCKET).build(), http), http, errors);
                for (StreamTransport t : List.of(unix, java)) {
                    assertEquals(new DockerPathStat("a", 6, EntryKind.REGULAR), t.stat(id, "/tmp/out/a"), t.toString());
                    assertEquals(EntryKind.SYMLINK, t.stat(id, "/tmp/out/s").kind(), t.toString());
                    assertEquals(EntryKind.FIFO, t.stat(id, "/tmp/out/p").kind(), t.toString());
                    assertEquals(new DockerPathStat("big", 8589934592L, EntryKind.REGULAR), t.stat(id, "/tmp/out/big"), t.toString());
                    assertEquals(EntryKind.DIRECTORY, t.stat(id, "/tmp/out").kind(), t.toString());
                    assertThrows(NoSuchContainerException.class, () -> t.stat(id, "/tmp/out/missing"), t.toString());
                }
                assertEquals(EntryKind.SYMLINK, gateway.statPath(id, "/tmp/out/l1").kind(),
                        "a link loop the engine cannot stat is read from its archive header");
            } finally {
                gateway.removeContainer(id);
                http.close();
            }
        }
    }
}
