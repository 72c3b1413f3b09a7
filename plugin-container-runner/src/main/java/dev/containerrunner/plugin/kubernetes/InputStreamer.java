package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.StreamedInput;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a run's {@link StreamedInput}s into its waiting {@value InputStreams#INIT} init container
 * over the exec API, then releases it. Per input, one exec of {@link #WRITE}: the runner sends
 * exactly {@code sizeBytes} bytes on stdin (256 KiB frames from one reused buffer, each only after
 * the socket took the previous one, so memory stays bounded whatever the size), computing their
 * SHA-256 on the way; {@code head -c} writes them to the file, and the container prints the size and
 * SHA-256 of what landed, which must equal what was sent (and the expected SHA-256 when the input has
 * one). Then one exec of {@link #RELEASE} lets the init container exit 0, and one of {@link #WAKE}
 * makes it exit now rather than at its next poll.
 *
 * @apiNote Not thread-safe: used by the run's thread.
 */
final class InputStreamer {

    /** Bytes per WebSocket frame. */
    static final int CHUNK = 256 * 1024;
    /** {@code $1} the file as the helper sees it, {@code $2} its size: writes it, prints size and SHA-256 of what landed. */
    static final String WRITE = "set -e; umask 022; mkdir -p \"${1%/*}\"; head -c \"$2\" > \"$1\"; wc -c < \"$1\";"
            + " sha256sum < \"$1\"";
    /** Lets the init container exit 0 (at its next poll). */
    static final String RELEASE = "touch " + InputStreams.READY;
    /** Makes the init container exit 0 at once once released; best effort. */
    static final String WAKE = "kill -USR1 1";
    private static final long WAKE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final byte STDIN = 0;
    private static final int STOPPED = -1;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Pattern REPORT = Pattern.compile("\\s*(\\d+)\\s+([0-9a-f]{64})\\s+-?\\s*");

    /** One input and where the helper writes it. */
    record Target(StreamedInput input, String helperPath) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String pod;
    private final long deadlineNanos;
    private final BooleanSupplier stop;

    /**
     * @param deadlineNanos when ({@link System#nanoTime()}) the delivery stops unfinished (the start timeout)
     * @param stop true when the run was cancelled: the delivery stops unfinished
     */
    InputStreamer(KubernetesClient client, String namespace, String pod, long deadlineNanos, BooleanSupplier stop) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
        this.deadlineNanos = deadlineNanos;
        this.stop = stop;
    }

    /**
     * Streams every target, verifies each, then releases the init container.
     *
     * @return false when it stopped unfinished (cancelled, or the deadline passed): the init
     *     container is not released, the caller's watch ends the run
     * @throws ContainerEngineException ({@code engine_error}) when an exec failed or what landed
     *     differs from what was sent; nothing was released. A {@link ContainerEngineException} the
     *     source itself throws while it is opened or read (e.g. an S3 object's
     *     {@code input_checksum_mismatch}, {@code input_failed}, {@code input_not_found}) propagates as
     *     it is, keeping its failure reason; only a plain {@link IOException} of the source is {@code engine_error}
     */
    boolean deliver(List<Target> targets) {
        try {
            for (Target t : targets) {
                if (!write(t)) {
                    return false;
                }
            }
            Exec release = exec(List.of("sh", "-c", RELEASE));
            try {
                if (!release.channels.awaitUntil(deadlineNanos)) {
                    return false;
                }
                if (!release.channels.succeeded()) {
                    throw failure("releasing the " + InputStreams.INIT + " container failed: " + release.channels.stderr()
                            + " " + release.channels.status(), null);
                }
            } finally {
                release.ws.sendClose(1000, "released");
            }
            wake();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while streaming the inputs", e);
        }
    }

    /**
     * Only saves the released init container's next poll (up to 1 s). Its exit may kill this exec
     * (137), and when it already saw the marker and exited, the exec cannot connect (the API server
     * answers 500: the container is not running) — both mean it is on its way out, which is the point.
     */
    private void wake() throws InterruptedException {
        Exec wake;
        try {
            wake = exec(List.of("sh", "-c", WAKE));
        } catch (ContainerEngineException alreadyGone) {
            // released: it exits at its next poll at the latest (seen in KubernetesInputsIT: the exec answered 500)
            return;
        }
        wake.channels.awaitUntil(Math.min(deadlineNanos, System.nanoTime() + WAKE_WAIT_NANOS));
        wake.ws.sendClose(1000, "woken");
    }

    private boolean write(Target t) throws InterruptedException {
        StreamedInput in = t.input();
        String what = in.path().value() + " (" + in.sizeBytes() + " bytes)";
        Exec exec = exec(List.of("sh", "-c", WRITE, "stream-input", t.helperPath(), Long.toString(in.sizeBytes())));
        MessageDigest sha = sha256();
        long sent = 0;
        try (InputStream source = in.opener().open()) {
            ByteBuffer frame = ByteBuffer.allocate(CHUNK + 1);
            while (sent < in.sizeBytes()) {
                if (!drained(exec, false)) {
                    return false;
                }
                int want = (int) Math.min(CHUNK, in.sizeBytes() - sent);
                int n = fill(source, frame.array(), want);
                if (n == STOPPED) {
                    return false;
                }
                if (n < want) {
                    throw failure("streaming " + what + " failed: the source ended after " + (sent + n) + " bytes", null);
                }
                sha.update(frame.array(), 1, n);
                frame.clear().put(STDIN).position(0).limit(n + 1);
                if (!exec.ws.send(frame)) {
                    throw failure("streaming " + what + " failed after " + sent + " bytes: the connection refused a frame ("
                            + Optional.ofNullable(exec.channels.ending()).orElse("closing") + ")", null);
                }
                sent += n;
            }
            if (!drained(exec, true)) {
                return false;
            }
            if (source.read() != -1) {
                throw failure("streaming " + what + " failed: the source has more bytes than its size", null);
            }
            if (!exec.channels.awaitUntil(deadlineNanos)) {
                return false;
            }
        } catch (IOException e) {
            throw failure("streaming " + what + " failed after " + sent + " bytes: reading the source: " + e, e);
        } finally {
            exec.ws.sendClose(1000, "input sent"); // refused (false) when already closed
        }
        String sentSha = StreamedInput.hex(sha.digest());
        Optional<String> problem = verify(in, sentSha, exec.channels.succeeded(), exec.channels.stdout());
        if (problem.isPresent()) {
            throw failure("streaming " + what + " failed: " + problem.get()
                    + (exec.channels.stderr().isEmpty() ? "" : "; the helper said: " + exec.channels.stderr()), null);
        }
        return true;
    }

    /**
     * Why what landed is not exactly what was sent, empty when it is: the helper's report
     * ({@code succeeded}, its {@code stdout}: size then SHA-256) against {@code input}'s size, the
     * SHA-256 of the bytes sent ({@code sentSha}) and the input's expected SHA-256. Pure.
     */
    static Optional<String> verify(StreamedInput input, String sentSha, boolean succeeded, String stdout) {
        if (!succeeded) {
            return Optional.of("the helper's write did not succeed");
        }
        Matcher m = REPORT.matcher(stdout);
        if (!m.matches()) {
            return Optional.of("the helper reported no size and SHA-256 of what landed (got '" + stdout.strip() + "')");
        }
        long landed = Long.parseLong(m.group(1));
        if (landed != input.sizeBytes()) {
            return Optional.of(landed + " of " + input.sizeBytes() + " bytes landed");
        }
        if (!m.group(2).equals(sentSha)) {
            return Optional.of("the SHA-256 of what landed (" + m.group(2) + ") differs from what was sent (" + sentSha + ")");
        }
        if (input.sha256Hex().isPresent() && !input.sha256Hex().get().equals(sentSha)) {
            return Optional.of("its SHA-256 is " + sentSha + ", expected " + input.sha256Hex().get());
        }
        return Optional.empty();
    }

    /**
     * Reads up to {@code want} bytes into {@code buf} from offset 1: how many (fewer only at the
     * source's end), or {@link #STOPPED} when cancelled or past the deadline between two reads — so a
     * slow source (an S3 read waits at most its socket timeout for each next byte) cannot outlast them.
     */
    private int fill(InputStream source, byte[] buf, int want) throws IOException {
        int n = 0;
        while (n < want) {
            int r = source.read(buf, 1 + n, want - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n < want && (stop.getAsBoolean() || System.nanoTime() > deadlineNanos)) {
                return STOPPED;
            }
        }
        return n;
    }

    /**
     * Waits until the socket took every queued frame; false when cancelled or past the deadline.
     * The command may end once it has every byte ({@code endAllowed}), not before.
     */
    private boolean drained(Exec exec, boolean endAllowed) {
        while (exec.ws.queueSize() > 0 || exec.channels.ended()) {
            if (exec.channels.ended()) {
                if (endAllowed) {
                    return true;
                }
                throw failure("the exec connection " + exec.channels.ending() + " before every byte was sent"
                        + (exec.channels.stderr().isEmpty() ? "" : "; the helper said: " + exec.channels.stderr()), null);
            }
            if (stop.getAsBoolean() || System.nanoTime() > deadlineNanos) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return !stop.getAsBoolean() && System.nanoTime() <= deadlineNanos;
    }

    private record Exec(WebSocket ws, ExecChannels channels) {
    }

    private Exec exec(List<String> command) throws InterruptedException {
        StringBuilder query = new StringBuilder("exec?container=" + InputStreams.INIT + "&stdin=true&stdout=true&stderr=true");
        command.forEach(c -> query.append("&command=").append(URLEncoder.encode(c, StandardCharsets.UTF_8)));
        URI uri = URI.create(URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", pod,
                query.toString()));
        long timeoutMs = client.getConfiguration().getRequestTimeout();
        ExecChannels channels = new ExecChannels();
        try {
            WebSocket ws = EndingListener.connect(client.getHttpClient().newWebSocketBuilder().subprotocol("v4.channel.k8s.io")
                    .uri(uri).connectTimeout(timeoutMs, TimeUnit.MILLISECONDS), channels, timeoutMs);
            return new Exec(ws, channels);
        } catch (ExecutionException e) {
            throw failure("exec into the " + InputStreams.INIT + " container of pod " + pod + " failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw failure("exec into the " + InputStreams.INIT + " container of pod " + pod + " did not connect within "
                    + timeoutMs + " ms", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static ContainerEngineException failure(String message, Throwable cause) {
        return new ContainerEngineException("stream input", message, cause, FailureReason.ENGINE_ERROR);
    }
}
