package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.DeliveredInput;
import dev.containerrunner.plugin.execution.InputObject;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.execution.VerifiedInput;
import dev.containerrunner.plugin.model.RunRequest;
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
 *
 * @apiNote Not thread-safe: it belongs to one run.
 */
final class PodInputs {

    private final InputSource source;
    private final List<InputObject> objects;
    private final List<VerifiedInput> opened = new ArrayList<>();

    private PodInputs(InputSource source, List<InputObject> objects) {
        this.source = source;
        this.objects = List.copyOf(objects);
    }

    /**
     * The inputs of {@code request}, resolved now; nothing is created.
     *
     * @throws dev.containerrunner.plugin.execution.InputFailedException when an input is missing, unsafe or unreadable
     */
    static PodInputs resolve(RunRequest request, InputSource source) {
        return new PodInputs(source, request.inputs().isEmpty() ? List.of() : source.resolve(request.inputs()));
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
