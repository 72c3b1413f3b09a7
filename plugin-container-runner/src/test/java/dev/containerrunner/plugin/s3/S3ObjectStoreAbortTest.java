package dev.containerrunner.plugin.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.containerrunner.plugin.config.S3Config;
import dev.containerrunner.plugin.model.S3Url;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing an object's stream before its end aborts the request (the server stops sending), it does
 * not download the rest; read to its end, the stream closes normally and keeps its connection.
 */
class S3ObjectStoreAbortTest {

    private static final long BIG = 64L << 20;
    private static final int MIB = 1 << 20;

    private final AtomicLong served = new AtomicLong();
    private final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch bigDone = new CountDownLatch(1);
    private HttpServer server;

    /** Serves {@code big.bin}: 64 MiB, 1 MiB per 30 ms (about 2 s in all); any other key: 100 KiB at once. */
    private S3ObjectStore start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            clientPorts.add(ex.getRemoteAddress().getPort());
            ex.getResponseHeaders().add("ETag", "\"e\"");
            boolean big = ex.getRequestURI().getPath().endsWith("/big.bin");
            long size = big ? BIG : 100 << 10;
            ex.sendResponseHeaders(200, size);
            byte[] chunk = new byte[(int) Math.min(MIB, size)];
            java.util.Arrays.fill(chunk, (byte) 7);
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunk);
                    if (big) {
                        served.addAndGet(chunk.length);
                        Thread.sleep(30);
                    }
                }
            } catch (Exception clientWentAway) {
                // the client aborted: expected for a stream closed early
            } finally {
                if (big) {
                    bigDone.countDown();
                }
            }
        });
        server.start();
        return S3ObjectStore.create(new S3Config("bucket", "us-east-1",
                Optional.of("http://127.0.0.1:" + server.getAddress().getPort()), true, Optional.of("k"), Optional.of("s"), List.of()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void closingAPartlyReadObjectAbortsInsteadOfReadingTheRest() throws Exception {
        try (S3ObjectStore store = start()) {
            InputStream in = store.open(S3Url.parse("s3://bucket/big.bin"), Optional.empty());
            assertEquals(1024, in.readNBytes(new byte[1024], 0, 1024));
            in.close();
            in.close(); // idempotent
            long atClose = served.get();
            assertTrue(bigDone.await(60, TimeUnit.SECONDS), "the server is still sending the object");
            System.out.printf("after close: the server sent %d MiB at close, %d MiB in all, of %d MiB%n",
                    atClose / MIB, served.get() / MIB, BIG / MIB);
            assertTrue(served.get() < BIG / 2, "the server sent " + served.get() + " of " + BIG
                    + " bytes: closing the stream read the rest of the object");

            // the pool is not poisoned by the aborted connection
            try (InputStream again = store.open(S3Url.parse("s3://bucket/small.bin"), Optional.empty())) {
                assertEquals(100 << 10, again.readAllBytes().length);
            }
        }
    }

    @Test
    void anObjectReadToItsEndClosesNormallyAndKeepsItsConnection() throws Exception {
        try (S3ObjectStore store = start()) {
            byte[] expected = new byte[100 << 10];
            java.util.Arrays.fill(expected, (byte) 7);
            try (InputStream in = store.open(S3Url.parse("s3://bucket/a.bin"), Optional.empty())) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            // every byte of the Content-Length read, the end (-1) not asked for: still a normal close
            try (InputStream in = store.open(S3Url.parse("s3://bucket/b.bin"), Optional.empty())) {
                assertArrayEquals(expected, in.readNBytes(expected.length));
            }
            try (InputStream in = store.open(S3Url.parse("s3://bucket/c.bin"), Optional.empty())) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            assertEquals(3, clientPorts.size());
            assertEquals(1, clientPorts.stream().distinct().count(), "a fully read object's connection was not reused: "
                    + clientPorts);
        }
    }

    @Test
    void anAbortedObjectsConnectionIsNotReused() throws Exception {
        try (S3ObjectStore store = start()) {
            try (InputStream in = store.open(S3Url.parse("s3://bucket/big.bin"), Optional.empty())) {
                in.readNBytes(1024);
            }
            try (InputStream in = store.open(S3Url.parse("s3://bucket/small.bin"), Optional.empty())) {
                in.readAllBytes();
            }
            assertEquals(2, clientPorts.size());
            assertNotEquals(clientPorts.get(0), clientPorts.get(1));
        }
    }
}
