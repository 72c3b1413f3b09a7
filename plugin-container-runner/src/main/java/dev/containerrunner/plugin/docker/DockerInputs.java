package dev.containerrunner.plugin.docker;

import dev.containerrunner.plugin.execution.DeliveredInput;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.InputObject;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.TarStream;
import dev.containerrunner.plugin.execution.VerifiedInput;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.CancellationSignal;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's {@code inputs} on Docker: resolved before anything is created ({@link #resolve}), then,
 * once the container exists and its volumes are seeded, streamed from S3 into each run directory
 * with one {@code PUT /containers/{id}/archive} per directory whose tar is generated as it is sent
 * ({@link TarStream}, 64 KiB at a time), each object verified on the way ({@code VerifiedInput}).
 * A failed object fails the PUT and the run before the container starts; the caller removes what
 * was created. Files are 0644 and directories 0755, owned by the run's user.
 *
 * @apiNote Not thread-safe: it belongs to one run.
 */
final class DockerInputs {

    /** Bytes of an object pulled at a time into the archive. */
    static final int CHUNK = 64 << 10;

    private final DockerGateway gateway;
    private final InputSource source;
    private final RunRequest request;
    private final CancellationSignal cancellation;
    private List<InputObject> objects = List.of();
    private final List<DeliveredInput> delivered = new ArrayList<>();

    /** The inputs of {@code request}; a {@code cancellation} stops a delivery in flight (failure reason {@code cancelled}). */
    DockerInputs(DockerGateway gateway, InputSource source, RunRequest request, CancellationSignal cancellation) {
        this.gateway = gateway;
        this.source = source;
        this.request = request;
        this.cancellation = cancellation;
    }

    /**
     * Finds every object to deliver (HEAD, or a listing per prefix); nothing is created.
     *
     * @throws dev.containerrunner.plugin.execution.InputFailedException when an input is missing, unsafe or unreadable
     */
    void resolve() {
        if (!request.inputs().isEmpty()) {
            objects = source.resolve(request.inputs());
        }
    }

    /**
     * Streams every resolved object into the created, not started container {@code containerId}.
     *
     * @throws dev.containerrunner.plugin.execution.InputFailedException when an object is missing, its
     *         bytes are not the sha256 given, or its read fails or ends short
     * @throws dev.containerrunner.plugin.execution.ContainerEngineException when the engine refuses the copy
     */
    void deliver(String containerId) {
        Map<String, List<InputObject>> byDirectory = new LinkedHashMap<>();
        for (InputObject o : objects) {
            byDirectory.computeIfAbsent(o.runDirectory(), d -> new ArrayList<>()).add(o);
        }
        for (Map.Entry<String, List<InputObject>> dir : byDirectory.entrySet()) {
            List<VerifiedInput> opened = new ArrayList<>();
            // closed before the failure is thrown; a failing close is suppressed, never the one reported
            try (TarStream tar = new TarStream(request.user().uid(), request.user().gid(), items(dir.getValue(), opened), CHUNK)) {
                try {
                    gateway.copyInto(containerId, dir.getKey(), tar);
                } catch (RuntimeException e) {
                    if (tar.failure() != null && tar.failure() != e) {
                        tar.failure().addSuppressed(e);
                        throw tar.failure();
                    }
                    throw e;
                }
                if (tar.failure() != null) {
                    throw tar.failure(); // the transport swallowed it: the archive did not end cleanly all the same
                }
            }
            requireAllDelivered(dir.getValue(), opened);
            opened.forEach(v -> delivered.add(v.delivered()));
        }
    }

    /**
     * The copy returned without a failure, but the transport may have stopped reading the archive
     * early: every object of the directory must have been opened and read to its verified end.
     *
     * @throws InputFailedException ({@code input_failed}) naming the first object that was not
     */
    private static void requireAllDelivered(List<InputObject> inDirectory, List<VerifiedInput> opened) {
        for (int i = 0; i < inDirectory.size(); i++) {
            if (i >= opened.size() || !opened.get(i).ended()) {
                throw new InputFailedException(inDirectory.get(i).url().toString(), "was not streamed in full: the engine's"
                        + " copy stopped reading the archive " + (i >= opened.size() ? "before it" : "inside it")
                        + " (" + i + " of " + inDirectory.size() + " objects of " + inDirectory.get(i).runDirectory()
                        + " delivered): not delivered, nothing ran", null, FailureReason.INPUT_FAILED);
            }
        }
    }

    /** The entries of one directory: each object's missing parent directories, then the object, streamed when reached. */
    private List<TarStream.Item> items(List<InputObject> inDirectory, List<VerifiedInput> opened) {
        List<TarStream.Item> items = new ArrayList<>();
        Set<String> dirs = new LinkedHashSet<>();
        for (InputObject o : inDirectory) {
            String rel = o.relativePath();
            for (int slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
                if (dirs.add(rel.substring(0, slash))) {
                    items.add(TarStream.Item.directory(rel.substring(0, slash), 0755));
                }
            }
            items.add(new TarStream.Item(rel, 0644, o.size(), () -> {
                VerifiedInput in = source.open(o);
                opened.add(in);
                return new FilterInputStream(in) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (cancellation.isCancelled()) {
                            throw new InputFailedException(o.url().toString(), "the task was cancelled while it was streamed in;"
                                    + " nothing ran", null, FailureReason.CANCELLED);
                        }
                        return super.read(b, off, len);
                    }
                };
            }));
        }
        return items;
    }

    /** What was delivered so far, for the audit line. */
    List<DeliveredInput> delivered() {
        return List.copyOf(delivered);
    }

}
