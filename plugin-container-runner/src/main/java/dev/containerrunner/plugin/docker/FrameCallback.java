package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.OutputListener;
import dev.containerrunner.plugin.execution.StreamKind;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A docker-java attach as an {@link DockerGateway.Attachment}: routes stdout/stderr frames to a
 * listener (none for a stdin attach) and tells it once how the stream ended; an end caused by our
 * own {@link #close()} is not an error.
 *
 * @apiNote docker-java calls it from its stream thread while the run's thread waits and closes.
 */
final class FrameCallback extends ResultCallback.Adapter<Frame> implements DockerGateway.Attachment {

    private static final Logger LOG = LoggerFactory.getLogger(FrameCallback.class);

    private final OutputListener listener;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();

    /** {@code listener} receives the output and the end; null for an attach that only writes stdin. */
    FrameCallback(OutputListener listener) {
        this.listener = listener;
    }

    @Override
    public void onNext(Frame frame) {
        if (listener == null || frame.getPayload() == null) {
            return;
        }
        StreamType type = frame.getStreamType();
        if (type == StreamType.STDOUT || type == StreamType.RAW) {
            listener.onOutput(StreamKind.STDOUT, frame.getPayload());
        } else if (type == StreamType.STDERR) {
            listener.onOutput(StreamKind.STDERR, frame.getPayload());
        }
    }

    @Override
    public void onError(Throwable throwable) {
        end(closing.get() ? null : throwable);
        super.onError(throwable);
    }

    @Override
    public void onComplete() {
        end(null);
        super.onComplete();
    }

    private void end(Throwable error) {
        if (ended.getCount() > 0) {
            ended.countDown();
            if (listener != null) {
                listener.onEnd(error);
            }
        }
    }

    /** Whether the stream has ended (completed, failed or closed). */
    boolean ended() {
        return ended.getCount() == 0;
    }

    @Override
    public boolean awaitEnd(Duration max) {
        return Quietly.await(ended, max);
    }

    @Override
    public void close() {
        closing.set(true);
        try {
            super.close();
        } catch (IOException e) {
            LOG.debug("closing the attach failed; it is ended either way", e);
        }
        end(null);
    }
}
