package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.DeliveredInput;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.InputObject;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.execution.VerifiedInput;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.S3Input;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's {@code inputs} on Kubernetes: resolved ({@link InputSource#resolve}: a HEAD per object, a
 * listing per prefix) before anything is created on the cluster, then streamed by the runner into the
 * pod's waiting {@value InputStreams#INIT} init container exactly like a large input_file
 * ({@link InputStreamer}): one {@link StreamedInput} per object, of the size the store reported and
 * with the request's sha256 when it gave one, whose opener is the conditional GET of
 * {@link InputSource#open} — so the object's bytes are counted and hashed as they pass
 * ({@link VerifiedInput}) and a missing, changed, short or wrong object fails the run with the
 * source's own failure reason, before the init container is released. The pod never reaches S3.
 * Since every object costs one exec within the start timeout, a run's inputs may bring at most
 * {@value #MAX_OBJECTS} objects here (refused after the listing, before anything is created).
 *
 * @apiNote Not thread-safe: it belongs to one run.
 */
final class PodInputs {

    /**
     * The most objects a run's inputs may bring on Kubernetes: each is one exec into the pod (a
     * WebSocket handshake, then {@code head}, {@code wc}, {@code sha256sum}), done one after the other
     * within the start timeout; measured on the local cluster at about 100 ms each (README, Inputs from S3).
     */
    static final int MAX_OBJECTS = 500;

    private final InputSource source;
    private final List<InputObject> objects;
    private final List<VerifiedInput> opened = new ArrayList<>();

    private PodInputs(InputSource source, List<InputObject> objects) {
        this.source = source;
        this.objects = List.copyOf(objects);
    }

    /**
     * The inputs of {@code request}, resolved now (in order, one input at a time); nothing is created.
     *
     * @throws InputFailedException when an input is missing, unsafe or unreadable, or ({@code budget_exceeded})
     *     when the inputs bring more than {@link #MAX_OBJECTS} objects, naming the input that crossed it
     */
    static PodInputs resolve(RunRequest request, InputSource source) {
        List<InputObject> objects = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            S3Input in = request.inputs().get(i);
            List<InputObject> resolved = source.resolve(List.of(in));
            if (objects.size() + resolved.size() > MAX_OBJECTS) {
                throw new InputFailedException(in.url().toString(), "inputs[" + i + "].s3_url brings " + resolved.size()
                        + " object(s)" + (objects.isEmpty() ? "" : " after " + objects.size() + " of the inputs before it")
                        + "; on the Kubernetes backend a run's inputs may bring at most " + MAX_OBJECTS + " objects, each"
                        + " streamed into the pod by its own exec within kubernetes.start_timeout_seconds: pack many small"
                        + " objects into fewer larger ones (e.g. one tar), or run on the Docker backend", null,
                        FailureReason.BUDGET_EXCEEDED);
            }
            objects.addAll(resolved);
        }
        return new PodInputs(source, objects);
    }

    /** Everything streamed into the pod of {@code request}: a large input_file ({@link InputStreams#of}), then each object. */
    List<StreamedInput> streamed(RunRequest request) {
        List<StreamedInput> out = new ArrayList<>(InputStreams.of(request));
        for (InputObject o : objects) {
            out.add(new StreamedInput(o.path(), o.size(), o.sha256(), () -> open(o)));
        }
        return out;
    }

    private InputStream open(InputObject object) {
        VerifiedInput in = source.open(object);
        opened.add(in);
        return in;
    }

    /** The objects streamed to their end and verified, for the audit line. */
    List<DeliveredInput> delivered() {
        return opened.stream().filter(VerifiedInput::ended).map(VerifiedInput::delivered).toList();
    }
}
