package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.OutputStream;

/**
 * input_data for the main container: written through attach on a daemon thread, in pieces, then
 * the attach is ended. The container was created with {@code stdinOnce}, so ending the attach
 * closes its stdin. A failure is reported on the task's log; the run goes on.
 */
final class StdinFeed implements AutoCloseable {

    /** fabric8 waits forever for room for one message larger than its 16 MiB send queue: pieces are smaller. */
    static final int CHUNK = 256 * 1024;
    /** Lets the last frame leave before the close frame. */
    private static final long LINGER_MS = 200;

    private final Thread writer;

    private StdinFeed(Thread writer) {
        this.writer = writer;
    }

    /**
     * Starts writing {@code data} to the main container's stdin of {@code pod}.
     *
     * @param log where a failure to send is reported
     */
    static StdinFeed start(KubernetesClient client, String namespace, String pod, byte[] data, LogSink log) {
        Thread t = new Thread(() -> send(client, namespace, pod, data, log), "container-runner-stdin-" + pod);
        t.setDaemon(true);
        t.start();
        return new StdinFeed(t);
    }

    private static void send(KubernetesClient client, String namespace, String pod, byte[] data, LogSink log) {
        try (ExecWatch attach = client.pods().inNamespace(namespace).withName(pod).inContainer(PodSpecs.MAIN)
                .redirectingInput().attach()) {
            OutputStream in = attach.getInput();
            for (int off = 0; off < data.length; off += CHUNK) {
                in.write(data, off, Math.min(CHUNK, data.length - off));
            }
            in.flush();
            Thread.sleep(LINGER_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            log.line(LogSink.Stream.SYSTEM, "sending input_data failed: " + e);
        }
    }

    /** Stops writing (interrupts the writer); idempotent. */
    @Override
    public void close() {
        writer.interrupt();
    }
}
