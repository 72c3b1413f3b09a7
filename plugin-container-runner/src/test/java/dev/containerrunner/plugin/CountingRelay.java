package dev.containerrunner.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a free loopback port in front of a server (e.g. {@link S3Server}): it counts the
 * bytes the server sent to its clients, so a test can tell how much of an object a client really
 * downloaded, and can run an action once a given number of bytes has passed.
 */
final class CountingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicLong sent = new AtomicLong();
    private volatile long threshold = Long.MAX_VALUE;
    private volatile Runnable onThreshold = () -> { };

    /** A relay to {@code 127.0.0.1:targetPort}, accepting at once. */
    CountingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "counting-relay");
        accept.setDaemon(true);
        accept.start();
    }

    /** {@code http://127.0.0.1:PORT} of the relay. */
    String endpoint() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Bytes the server sent through the relay so far. */
    long sent() {
        return sent.get();
    }

    /** Runs {@code action} once, on a relay thread, as soon as more than {@code bytes} were sent. */
    void whenSent(long bytes, Runnable action) {
        onThreshold = action;
        threshold = bytes;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pump(client.getInputStream(), server.getOutputStream(), client, server, false);
                pump(server.getInputStream(), client.getOutputStream(), client, server, true);
            } catch (IOException closed) {
                return; // the listener was closed
            }
        }
    }

    private void pump(InputStream from, OutputStream to, Socket client, Socket server, boolean count) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 << 10];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    if (count && sent.addAndGet(n) > threshold) {
                        threshold = Long.MAX_VALUE;
                        onThreshold.run();
                    }
                }
            } catch (IOException gone) {
                // one side went away (e.g. the client aborted): the connection ends
            } finally {
                closeQuietly(client);
                closeQuietly(server);
            }
        }, "counting-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
