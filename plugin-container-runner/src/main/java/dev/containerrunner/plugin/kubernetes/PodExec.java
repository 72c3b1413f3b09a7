package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.CollectGuard;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One command in a run's keeper container over the exec API, its output read as a stream (flow
 * controlled: nothing is buffered beyond what is read) and its stderr kept up to 16 KiB. Registered
 * with the action's {@link CollectGuard}, which closes it on cancellation or at the deadline; closing
 * it ends the command (its output pipe breaks).
 *
 * @apiNote Not thread-safe, except {@link #close()}, which may come from the guard.
 */
final class PodExec implements Closeable {

    private static final int MAX_STDERR = 16 * 1024;

    private final ExecWatch watch;
    private final ByteArrayOutputStream stderr;
    private final CollectGuard guard;

    private PodExec(ExecWatch watch, ByteArrayOutputStream stderr, CollectGuard guard) {
        this.watch = watch;
        this.stderr = stderr;
        this.guard = guard;
    }

    /** Starts {@code command} in {@code pod}'s keeper. @throws IOException when the API refuses */
    static PodExec start(KubernetesClient client, String namespace, String pod, CollectGuard guard, String... command)
            throws IOException {
        guard.check();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        OutputStream bounded = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (stderr) {
                    stderr.write(b, off, Math.max(0, Math.min(len, MAX_STDERR - stderr.size())));
                }
            }
        };
        try {
            ExecWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(PodSpecs.KEEPER)
                    .redirectingOutput().writingError(bounded).exec(command);
            return new PodExec(guard.attach(watch), stderr, guard);
        } catch (KubernetesClientException e) {
            throw new IOException(PodStates.describe(e), e);
        }
    }

    /** The command's stdout, metered by the guard when {@code metered}. */
    InputStream output(boolean metered) {
        return metered ? guard.meter(watch.getOutput()) : watch.getOutput();
    }

    /** What the command wrote on stderr (at most 16 KiB), trimmed. */
    String errors() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8).trim();
        }
    }

    /** The exit code if the command has ended (waiting at most a second), else 0. */
    int exitCodeNow() {
        try {
            Integer code = watch.exitCode().get(1, TimeUnit.SECONDS);
            return code == null ? 0 : code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        guard.detach(watch);
        watch.close();
    }
}
