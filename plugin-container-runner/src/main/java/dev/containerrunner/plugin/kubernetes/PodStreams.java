package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.OutputCapture;
import dev.containerrunner.plugin.execution.StreamKind;
import dev.containerrunner.spi.LogSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;

/**
 * The main container's streams in one run: its log followed into the run's {@link OutputCapture}
 * ({@link LogStream}; the kubelet merges stderr into stdout) and input_data fed to its stdin
 * ({@link StdinFeed}).
 *
 * @apiNote Not thread-safe: used by the run's thread; the readers it starts run on their own.
 */
final class PodStreams implements AutoCloseable {

    /** How long the log may take to end after the container did. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final String namespace;
    private final OutputCapture capture;
    private final LogSink log;
    private LogStream logs;
    private StdinFeed stdin;

    PodStreams(KubernetesClient client, String namespace, OutputCapture capture, LogSink log) {
        this.client = client;
        this.namespace = namespace;
        this.capture = capture;
        this.log = log;
    }

    /** The main container of {@code pod} runs: follow its log, send {@code input} if any. */
    void start(String pod, Optional<byte[]> input) {
        logs = LogStream.start(client, namespace, pod, this::output);
        input.ifPresent(data -> stdin = StdinFeed.start(client, namespace, pod, data, log));
    }

    /**
     * The main container ended (or was stopped): reads the log to its end (at most 10 s), ends the
     * capture and lets the stdin feed end (at most 10 s more; then it is stopped). {@code pod} is
     * null when there never was one.
     *
     * @param ended whether the container has a terminated state (its log can be read when the runner
     *     never saw it running)
     * @param how how it ended: whether the log's unterminated tail is the program's output, whole
     *     ({@link KubeletLogTail.Ending#EXITED}), or may end with the kubelet's error text
     */
    void finish(String pod, boolean ended, KubeletLogTail.Ending how) {
        if (logs == null && pod != null && ended) {
            logs = LogStream.start(client, namespace, pod, this::output);
        }
        if (logs != null && !logs.awaitEnd(DRAIN)) {
            log.line(LogSink.Stream.SYSTEM, "the pod's log did not end within " + DRAIN.toSeconds() + " s; closing it");
        }
        Throwable failure = logs == null ? null : logs.finish(how);
        if (failure != null) {
            log.line(LogSink.Stream.SYSTEM, "the log stream ended with an error; the output may be incomplete: " + failure.getMessage());
        }
        capture.onEnd(failure);
        if (stdin != null) {
            stdin.finish(DRAIN);
        }
    }

    /** Why input_data was not delivered whole ({@link StdinFeed#problem}); empty when it was or none was given. Valid after {@link #finish}. */
    Optional<String> inputProblem() {
        return stdin == null ? Optional.empty() : stdin.problem();
    }

    private void output(byte[] bytes) {
        capture.onOutput(StreamKind.STDOUT, bytes);
    }

    /** Stops following the log and feeding stdin; idempotent. */
    @Override
    public void close() {
        if (logs != null) {
            logs.close();
        }
        if (stdin != null) {
            stdin.close();
        }
    }
}
