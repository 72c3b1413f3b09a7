package dev.containerrunner.plugin.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for the engine's stats endpoint, on a Unix socket or on loopback TCP: it
 * accepts one connection, reads the request's head, writes {@code response} byte for byte, then
 * either drops the connection ({@code hold} false: an abrupt end when the body is incomplete) or
 * keeps it until the client closes it, which {@link #awaitClientClosed} sees. Test helper.
 */
final class FakeStatsEngine implements AutoCloseable {

    /** One stats frame of a running container as Docker 20.10 sends it (cgroup v1), on one line. */
    static final String FRAME = "{\"read\":\"2026-11-30T13:15:32.083417124Z\",\"preread\":\"0001-01-01T00:00:00Z\","
            + "\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":156914421}},"
            + "\"memory_stats\":{\"usage\":214437888,\"max_usage\":214437888,\"limit\":536870912}}\n";

    private final ServerSocketChannel server;
    private final String response;
    private final boolean hold;
    private final CountDownLatch clientClosed = new CountDownLatch(1);
    private final Thread thread;
    private volatile String request = "";
    private volatile SocketChannel connection;

    private FakeStatsEngine(ServerSocketChannel server, String response, boolean hold) {
        this.server = server;
        this.response = response;
        this.hold = hold;
        this.thread = new Thread(this::serve, "fake-stats-engine");
        thread.setDaemon(true);
        thread.start();
    }

    /** An engine on the Unix socket {@code socket}. */
    static FakeStatsEngine unix(Path socket, String response, boolean hold) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        return new FakeStatsEngine(s, response, hold);
    }

    /** An engine on a free loopback TCP port ({@link #tcpHost}). */
    static FakeStatsEngine tcp(String response, boolean hold) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new FakeStatsEngine(s, response, hold);
    }

    /** {@code tcp://127.0.0.1:PORT} of a TCP engine. */
    String tcpHost() throws IOException {
        return "tcp://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** A 200 with a chunked body of {@code chunks}, unfinished (no last chunk) unless {@code finished}. */
    static String chunked(boolean finished, String... chunks) {
        StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String c : chunks) {
            b.append(Integer.toHexString(c.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(c).append("\r\n");
        }
        return finished ? b.append("0\r\n\r\n").toString() : b.toString();
    }

    /** An error answer with the engine's JSON message. */
    static String status(int code, String reason, String message) {
        String body = "{\"message\":\"" + message + "\"}";
        return "HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    private void serve() {
        try (SocketChannel c = server.accept()) {
            connection = c;
            request = head(c);
            ByteBuffer out = ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            if (hold) {
                ByteBuffer in = ByteBuffer.allocate(4096);
                while (c.read(in) >= 0) {
                    in.clear();
                }
                clientClosed.countDown();
            }
        } catch (IOException e) {
            clientClosed.countDown(); // a reset is a close too
        }
    }

    private static String head(SocketChannel c) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            one.clear();
            if (c.read(one) < 0) {
                break;
            }
            b.write(one.array()[0]);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** The request's head as received ("" before it arrived). */
    String request() {
        return request;
    }

    /** Whether the client closed the held connection within {@code max}. */
    boolean awaitClientClosed(Duration max) throws InterruptedException {
        return clientClosed.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        SocketChannel c = connection;
        if (c != null) {
            c.close();
        }
        thread.join(5000);
    }
}
