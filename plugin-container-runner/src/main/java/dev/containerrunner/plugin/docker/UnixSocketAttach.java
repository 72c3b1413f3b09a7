package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.StreamKind;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /containers/{id}/attach} hijacked straight over the engine's Unix socket (JDK
 * {@link SocketChannel}): output frames are read ten times faster than through docker-java's
 * socket transport, and stdin gets a real end-of-file by half-closing the socket
 * ({@link SocketChannel#shutdownOutput()}) — the thing docker-java's httpclient5 transport cannot do
 * (docker-java #1448).
 */
final class UnixSocketAttach implements DockerGateway.Attachment {

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketAttach.class);

    private final SocketChannel channel;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private UnixSocketAttach(SocketChannel channel) {
        this.channel = channel;
    }

    /** Attaches to stdout and stderr; returns once the engine has switched the connection to the stream. */
    static UnixSocketAttach output(Path socket, String containerId, OutputListener listener) throws IOException {
        UnixSocketAttach a = open(socket, containerId, "stdout=1&stderr=1");
        InputStream in = a.streamAfterUpgrade();
        Thread reader = new Thread(() -> a.readFrames(in, listener), "attach-" + shortId(containerId));
        reader.setDaemon(true);
        reader.start();
        return a;
    }

    /** Attaches to stdin, writes {@code data} in the background, then half-closes: the container reads EOF. */
    static UnixSocketAttach stdin(Path socket, String containerId, byte[] data) throws IOException {
        UnixSocketAttach a = open(socket, containerId, "stdin=1");
        InputStream in = a.streamAfterUpgrade();
        Thread writer = new Thread(() -> {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    a.channel.write(buffer);
                }
                a.channel.shutdownOutput();
                in.transferTo(java.io.OutputStream.nullOutputStream()); // until the engine closes the stream
            } catch (IOException e) {
                // the container exited or the attach was closed before every byte was read: nothing to do
                LOG.debug("stdin of {} ended early: {}", shortId(containerId), e.toString());
            } finally {
                a.ended.countDown();
            }
        }, "stdin-" + shortId(containerId));
        writer.setDaemon(true);
        writer.start();
        return a;
    }

    private static UnixSocketAttach open(Path socket, String containerId, String streams) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            UnixSocketArchive.write(channel, "POST /containers/" + containerId + "/attach?stream=1&" + streams
                    + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: container-runner\r\nContent-Type: text/plain\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            return new UnixSocketAttach(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads the 101 (or 200) response headers; what follows is the raw stream. */
    private InputStream streamAfterUpgrade() throws IOException {
        try {
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            String status = UnixSocketArchive.line(in);
            int code = Integer.parseInt(status.split(" ", 3)[1]);
            while (!UnixSocketArchive.line(in).isEmpty()) {
                // headers carry nothing we need
            }
            if (code != 101 && code != 200) {
                String body = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8).strip();
                throw DockerErrors.status("attach", code, body);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Multiplexed frames: 8-byte header (stream, 0, 0, 0, big-endian size), then the payload. */
    private void readFrames(InputStream in, OutputListener listener) {
        Throwable error = null;
        try {
            byte[] header = new byte[8];
            while (in.readNBytes(header, 0, 8) == 8) {
                int size = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
                byte[] payload = in.readNBytes(size);
                if (payload.length < size) {
                    break;
                }
                listener.onOutput(header[0] == 2 ? StreamKind.STDERR : StreamKind.STDOUT, payload);
            }
        } catch (IOException e) {
            error = closed.get() ? null : e;
        } finally {
            listener.onEnd(error);
            ended.countDown();
        }
    }

    @Override
    public boolean awaitEnd(Duration max) {
        return Quietly.await(ended, max);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Quietly.close(channel);
        }
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }
}
