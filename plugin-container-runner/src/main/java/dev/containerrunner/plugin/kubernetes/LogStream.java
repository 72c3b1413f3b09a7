package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The main container's log, followed from its first line until the container ends, read on a
 * daemon thread into a consumer. The kubelet's log API carries stdout and stderr as one stream.
 * An error text the kubelet writes into the stream's body (the container went away) is never passed
 * on as output ({@link KubeletLogTail}); it becomes this stream's {@link #failure()}.
 */
final class LogStream implements AutoCloseable {

    private final LogWatch watch;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Throwable failure;

    private LogStream(LogWatch watch) {
        this.watch = watch;
    }

    static LogStream start(KubernetesClient client, String namespace, String pod, Consumer<byte[]> sink) {
        LogWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(PodSpecs.MAIN).watchLog();
        LogStream stream = new LogStream(watch);
        Thread reader = new Thread(() -> stream.pump(sink), "container-runner-log-" + pod);
        reader.setDaemon(true);
        reader.start();
        return stream;
    }

    private void pump(Consumer<byte[]> sink) {
        byte[] buffer = new byte[64 * 1024];
        KubeletLogTail tail = new KubeletLogTail(sink);
        try (InputStream in = watch.getOutput()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (n > 0) {
                    tail.accept(java.util.Arrays.copyOf(buffer, n));
                }
            }
            tail.end().ifPresent(error -> failure = new IOException("the pod's log stream ended with an error from the kubelet"
                    + " (not the program's output): " + error));
        } catch (IOException | RuntimeException e) {
            tail.end().ifPresent(error -> e.addSuppressed(new IOException("the kubelet's error: " + error)));
            failure = e;
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

    /** Why reading stopped early, or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        watch.close();
    }
}
