package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.NoSuchContainerException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code GET /containers/{id}/archive} straight over the engine's Unix socket with the JDK's own
 * Unix-domain channel. docker-java's socket transport delivers such bodies at about 50 MB/s here;
 * this reads them about ten times faster (measured: 100 MiB in 2.0 s versus 0.2 s), which is what
 * output_file and collect_output spend their time on. HTTP/1.1 with {@code Connection: close};
 * chunked and close-delimited bodies are both understood.
 */
final class UnixSocketArchive {

    private UnixSocketArchive() {
    }

    /** The archive's body; the caller closes it. A non-2xx answer throws as {@link DockerErrors#status} says (404: no such container). */
    static InputStream get(Path socket, String containerId, String path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            return get(channel, socket, "/containers/" + containerId + "/archive?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8),
                    "copy " + path + " out");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * {@code GET requestPath} over {@code channel} (open, not connected) to {@code socket}: its body,
     * read through the channel (closing the channel ends it); a non-2xx answer throws naming {@code operation}.
     */
    static InputStream get(SocketChannel channel, Path socket, String requestPath, String operation) throws IOException {
        channel.connect(UnixDomainSocketAddress.of(socket));
        write(channel, "GET " + requestPath + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: container-runner\r\nConnection: close\r\n\r\n");
        return response(channel, operation);
    }

    /**
     * {@code HEAD /containers/{id}/archive?path=}: what is at {@code path} (its last segment not
     * followed), without reading it.
     *
     * @throws NoSuchContainerException when the container or the path does not exist (404)
     * @throws IOException              when the engine cannot be reached or answers without the stat
     */
    static DockerPathStat head(Path socket, String containerId, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            write(channel, "HEAD /containers/" + containerId + "/archive?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
                    + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: container-runner\r\nConnection: close\r\n\r\n");
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 4096);
            String status = line(in);
            String stat = null;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.regionMatches(true, 0, DockerPathStat.HEADER + ":", 0, DockerPathStat.HEADER.length() + 1)) {
                    stat = header.substring(DockerPathStat.HEADER.length() + 1).strip();
                }
            }
            int code = Integer.parseInt(status.split(" ", 3)[1]);
            if (code / 100 != 2) {
                throw DockerErrors.status("stat " + path, code, status);
            }
            if (stat == null) {
                throw new IOException("the engine answered " + status + " without " + DockerPathStat.HEADER);
            }
            return DockerPathStat.parse(stat);
        }
    }

    /**
     * {@code PUT /containers/{id}/archive?path=DIR}: extracts the tar {@code archive} into {@code directory},
     * streamed with chunked transfer encoding.
     */
    static void put(Path socket, String containerId, String directory, InputStream archive) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            write(channel, "PUT /containers/" + containerId + "/archive?path=" + URLEncoder.encode(directory, StandardCharsets.UTF_8)
                    + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: container-runner\r\nContent-Type: application/x-tar\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = archive.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                write(channel, Integer.toHexString(n) + "\r\n");
                ByteBuffer data = ByteBuffer.wrap(buffer, 0, n);
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                write(channel, "\r\n");
            }
            write(channel, "0\r\n\r\n");
            try (InputStream body = response(channel, "copy into " + directory)) {
                body.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    }

    static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** Reads the status and headers; a 2xx returns the body, anything else throws naming {@code operation}. */
    private static InputStream response(SocketChannel channel, String operation) throws IOException {
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        String status = line(in);
        boolean chunked = false;
        long length = -1;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(header.indexOf(':') + 1).strip());
            }
        }
        InputStream body = chunked ? new Chunked(in) : length >= 0 ? new Limited(in, length) : in;
        int code = Integer.parseInt(status.split(" ", 3)[1]);
        if (code / 100 != 2) {
            String message = new String(body.readNBytes(4096), StandardCharsets.UTF_8).strip();
            channel.close();
            throw DockerErrors.status(operation, code, message.replaceFirst("^\\{\"message\":\"(.*)\"}$", "$1"));
        }
        return body;
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the engine closed the connection inside the HTTP headers");
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 16384) {
                throw new IOException("HTTP header line too long");
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** A response body that reads through {@link #read(byte[], int, int)} only. */
    private abstract static class Body extends FilterInputStream {
        Body(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public abstract int read(byte[] b, int off, int len) throws IOException;
    }

    /** A body of known length. */
    private static final class Limited extends Body {
        private long left;

        Limited(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    /** HTTP/1.1 chunked transfer decoding. */
    private static final class Chunked extends Body {
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                left = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the engine closed the connection inside a chunk");
            }
            left -= n;
            if (left == 0) {
                line(in); // the CRLF after each chunk
            }
            return n;
        }
    }
}
