package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The main container's log, followed from its first line until the container ends, read on a
 * daemon thread into a consumer. The kubelet's log API carries stdout and stderr as one stream.
 * The unterminated tail of the stream is held back ({@link KubeletLogTail}) until the caller, who
 * knows how the main container ended, {@link #finish finishes} the stream: the tail of a container
 * that exited by itself is output, whole; an error text the kubelet wrote into the body of a
 * stopped container's stream is never output but the stream's failure.
 */
final class LogStream implements AutoCloseable {

    private final LogWatch watch;
    private final KubeletLogTail tail;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Throwable readFailure;

    private LogStream(LogWatch watch, Consumer<byte[]> sink) {
        this.watch = watch;
        this.tail = new KubeletLogTail(sink);
    }

    static LogStream start(KubernetesClient client, String namespace, String pod, Consumer<byte[]> sink) {
        return follow(client.pods().inNamespace(namespace).withName(pod).inContainer(PodSpecs.MAIN).watchLog(), pod, sink);
    }

    /** Reads {@code watch} (the log of {@code pod}) into {@code sink} on a new daemon thread. */
    static LogStream follow(LogWatch watch, String pod, Consumer<byte[]> sink) {
        LogStream stream = new LogStream(watch, sink);
        Thread reader = new Thread(stream::pump, "container-runner-log-" + pod);
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    /** Reads the log to its end; the held tail waits for {@link #finish}. */
    private void pump() {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = watch.getOutput()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (n > 0) {
                    tail.accept(Arrays.copyOf(buffer, n));
                }
            }
        } catch (IOException | RuntimeException e) {
            readFailure = e;
        } finally {
            ended.countDown();
        }
    }

    boolean awaitEnd(Duration max) {
        try {
            return ended.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The main container ended {@code how}: passes on the held tail ({@link KubeletLogTail#end}) and
     * says why the output is incomplete. Call once, on the caller's thread; when the log has not
     * ended yet ({@link #awaitEnd} was false) the reader still owns the tail and it is not touched.
     *
     * @return why reading stopped early, or the kubelet's error text in the body of a
     *     {@link KubeletLogTail.Ending#STOPPED stopped} container's stream; null when the log was read whole
     */
    Throwable finish(KubeletLogTail.Ending how) {
        if (ended.getCount() > 0) {
            return readFailure;
        }
        Optional<String> kubeletError = tail.end(how);
        Throwable failure = readFailure;
        if (failure != null) {
            kubeletError.ifPresent(error -> failure.addSuppressed(new IOException("the kubelet's error: " + error)));
            return failure;
        }
        return kubeletError.map(error -> new IOException("the pod's log stream ended with an error from the kubelet"
                + " (taken as the kubelet's, not as output: the runner stopped the container mid-line): " + error)).orElse(null);
    }

    @Override
    public void close() {
        watch.close();
    }
}
