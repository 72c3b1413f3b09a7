package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The streamed inputs of one run ({@link InputStreams}): delivered once, when the watch first sees
 * the {@value InputStreams#INIT} init container running ({@link InputStreamer}), and logged.
 *
 * @apiNote Not thread-safe: used by the run's thread.
 */
final class InputDelivery {

    private final List<InputStreamer.Target> targets;
    private final LogSink log;
    private boolean pending;

    private InputDelivery(List<InputStreamer.Target> targets, LogSink log) {
        this.targets = targets;
        this.log = log;
        this.pending = !targets.isEmpty();
    }

    /**
     * The delivery of {@code inputs} into the run's directories {@code dirs}.
     *
     * @throws ContainerEngineException when an input is not inside one of the run's directories
     */
    static InputDelivery of(List<StreamedInput> inputs, RunDirs dirs, LogSink log) {
        return new InputDelivery(inputs.stream().map(i -> new InputStreamer.Target(i, dirs.helperPath(i.path().value())
                .orElseThrow(() -> new ContainerEngineException("stream input", i.path().value()
                        + " is not inside one of the run's directories " + dirs.dirs(), null, FailureReason.ENGINE_ERROR))))
                .toList(), log);
    }

    /** Whether the pod needs the {@value InputStreams#INIT} init container. */
    boolean needed() {
        return !targets.isEmpty();
    }

    /**
     * The init container of {@code pod} waits: streams every input now (once; later calls do nothing).
     *
     * @param deadlineNanos the start deadline ({@link System#nanoTime()}): past it the delivery stops unfinished
     * @param stop true when the run was cancelled
     * @throws ContainerEngineException ({@code engine_error}) when a stream failed or did not land exactly
     */
    void awaited(KubernetesClient client, String namespace, String pod, long deadlineNanos, BooleanSupplier stop) {
        if (!pending) {
            return;
        }
        pending = false;
        long t0 = System.nanoTime();
        boolean done = new InputStreamer(client, namespace, pod, deadlineNanos, stop).deliver(targets);
        long bytes = targets.stream().mapToLong(t -> t.input().sizeBytes()).sum();
        long ms = Math.round((System.nanoTime() - t0) / 1e6);
        log.line(LogSink.Stream.SYSTEM, done
                ? "streamed " + targets.size() + " input(s), " + bytes + " bytes, into the pod in " + ms + " ms (size and SHA-256 verified)"
                : "stopped streaming " + targets.size() + " input(s) of " + bytes + " bytes into the pod after " + ms + " ms, unfinished");
    }
}
