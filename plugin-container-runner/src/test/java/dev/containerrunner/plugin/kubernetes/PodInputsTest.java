package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.DeliveredInput;
import dev.containerrunner.plugin.execution.FailureReason;
import dev.containerrunner.plugin.execution.InputFailedException;
import dev.containerrunner.plugin.execution.InputSource;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.plugin.model.S3Url;
import dev.containerrunner.plugin.s3.ObjectMissingException;
import dev.containerrunner.plugin.s3.ObjectSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@code inputs} on Kubernetes without a cluster: accepted, resolved first, mapped to streamed inputs, verified as read. */
class PodInputsTest {

    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("backend", "kubernetes"));

    /** An in-memory bucket; counts the calls that reach it. */
    private static final class Store implements ObjectSource {
        final TreeMap<String, byte[]> objects = new TreeMap<>();
        int calls;

        @Override
        public Optional<Listed> head(S3Url url) {
            calls++;
            byte[] b = objects.get(url.key());
            return b == null ? Optional.empty() : Optional.of(new Listed(url.key(), b.length, "e"));
        }

        @Override
        public List<Listed> list(S3Url prefix, int limit) {
            calls++;
            List<Listed> out = new ArrayList<>();
            objects.forEach((k, v) -> {
                if (k.startsWith(prefix.key())) {
                    out.add(new Listed(k, v.length, "e"));
                }
            });
            return out;
        }

        @Override
        public InputStream open(S3Url url, Optional<String> etag) {
            calls++;
            byte[] b = objects.get(url.key());
            if (b == null) {
                throw new ObjectMissingException(url + " does not exist", false, null);
            }
            return new ByteArrayInputStream(b);
        }
    }

    private final Store store = new Store();

    private static Map<String, Object> input(String url, String path, String... sha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s3_url", url);
        m.put("path", path);
        if (sha.length > 0) {
            m.put("sha256", sha[0]);
        }
        return m;
    }

    private static RunRequest request(List<Map<String, Object>> inputs) {
        return RunRequest.from("run_container", Map.of("image", "busybox", "inputs", inputs), CONFIG.requestDefaults());
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void inputsAreAcceptedOnKubernetesWithoutIo() {
        try (KubernetesBackend backend = new KubernetesBackend(CONFIG, c -> {
            throw new AssertionError("the check does no I/O");
        })) {
            backend.check(request(List.of(input("s3://data/shared/a", "/in/a"))));
        }
    }

    @Test
    void objectsBecomeStreamedInputsInsideTheRunsDirectories() throws Exception {
        byte[] a = "alpha".getBytes();
        store.objects.put("shared/a.bin", a);
        store.objects.put("shared/set/x.txt", "x".getBytes());
        store.objects.put("shared/set/sub/deeper/y.txt", new byte[0]);
        RunRequest request = request(List.of(input("s3://data/shared/a.bin", "/in/a.bin", sha(a)),
                input("s3://data/shared/set/", "/data/set")));
        PodInputs inputs = PodInputs.resolve(request, new InputSource(() -> store));
        assertEquals(2, store.calls, "one HEAD, one listing, no read yet");
        List<StreamedInput> streamed = inputs.streamed(request);
        assertEquals(List.of("/in/a.bin", "/data/set/sub/deeper/y.txt", "/data/set/x.txt"),
                streamed.stream().map(s -> s.path().value()).toList());
        assertEquals(List.of(5L, 0L, 1L), streamed.stream().map(StreamedInput::sizeBytes).toList());
        assertEquals(Optional.of(sha(a)), streamed.get(0).sha256Hex());
        assertEquals(Optional.empty(), streamed.get(1).sha256Hex());
        RunDirs dirs = RunDirs.of(request);
        assertEquals(List.of("/in", "/data/set"), dirs.dirs());
        assertEquals(Optional.of("/container-runner/dirs/1/set/sub/deeper/y.txt"), dirs.helperPath("/data/set/sub/deeper/y.txt"));
        InputDelivery.of(streamed, dirs, (s, l) -> { }); // every input inside one of the run's directories

        assertEquals(List.of(), inputs.delivered());
        try (InputStream in = streamed.get(0).opener().open()) {
            assertArrayEquals(a, in.readAllBytes());
        }
        assertEquals(List.of(new DeliveredInput("s3://data/shared/a.bin", "/in/a.bin", 5, sha(a))), inputs.delivered());
    }

    @Test
    void aWrongObjectFailsWithTheSourcesReasonWhenItsEndIsRead() throws Exception {
        store.objects.put("shared/a.bin", "alpha".getBytes());
        RunRequest request = request(List.of(input("s3://data/shared/a.bin", "/in/a.bin", sha("other".getBytes()))));
        PodInputs inputs = PodInputs.resolve(request, new InputSource(() -> store));
        StreamedInput s = inputs.streamed(request).get(0);
        try (InputStream in = s.opener().open()) {
            assertEquals(5, in.readNBytes(new byte[5], 0, 5), "the bytes pass");
            InputFailedException e = assertThrows(InputFailedException.class, in::read);
            assertEquals(Optional.of(FailureReason.INPUT_CHECKSUM_MISMATCH), e.failureReason());
        }
        assertEquals(List.of(), inputs.delivered(), "nothing delivered");
        store.objects.clear();
        InputFailedException gone = assertThrows(InputFailedException.class, () -> s.opener().open());
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), gone.failureReason());
    }

    @Test
    void aMissingObjectIsInputNotFoundAtResolve() {
        RunRequest request = request(List.of(input("s3://data/shared/nope", "/in/nope")));
        InputFailedException e = assertThrows(InputFailedException.class, () -> PodInputs.resolve(request, new InputSource(() -> store)));
        assertEquals(Optional.of(FailureReason.INPUT_NOT_FOUND), e.failureReason());
    }

    @Test
    void withoutInputsNothingIsAsked() {
        RunRequest request = RunRequest.from("run_container", Map.of("image", "busybox"), CONFIG.requestDefaults());
        PodInputs inputs = PodInputs.resolve(request, new InputSource(() -> {
            throw new AssertionError("no store without inputs");
        }));
        assertEquals(List.of(), inputs.streamed(request));
        assertEquals(List.of(), inputs.delivered());
    }

    @Test
    void aPrefixWithMoreObjectsThanKubernetesStreamsIsBudgetExceededNamingTheInputAndTheLimit() {
        for (int i = 0; i <= PodInputs.MAX_OBJECTS; i++) {
            store.objects.put("shared/many/" + i, new byte[1]);
        }
        RunRequest request = request(List.of(input("s3://data/shared/many/", "/in/many")));
        InputFailedException e = assertThrows(InputFailedException.class, () -> PodInputs.resolve(request, new InputSource(() -> store)));
        assertEquals(Optional.of(FailureReason.BUDGET_EXCEEDED), e.failureReason());
        assertEquals(false, FailureReason.BUDGET_EXCEEDED.retryable());
        assertTrue(e.getMessage().startsWith("input s3://data/shared/many/: inputs[0].s3_url brings " + (PodInputs.MAX_OBJECTS + 1)
                + " object(s); on the Kubernetes backend a run's inputs may bring at most " + PodInputs.MAX_OBJECTS + " objects"),
                e.getMessage());
    }

    @Test
    void theLimitCountsEveryInputsObjectsAndNamesTheInputThatCrossesIt() {
        for (int i = 0; i < PodInputs.MAX_OBJECTS; i++) {
            store.objects.put("shared/many/" + i, new byte[1]);
        }
        store.objects.put("shared/one", new byte[1]);
        RunRequest exact = request(List.of(input("s3://data/shared/many/", "/in/many")));
        assertEquals(PodInputs.MAX_OBJECTS, PodInputs.resolve(exact, new InputSource(() -> store)).streamed(exact).size(),
                "exactly the limit is accepted");
        RunRequest over = request(List.of(input("s3://data/shared/many/", "/in/many"), input("s3://data/shared/one", "/in/one")));
        InputFailedException e = assertThrows(InputFailedException.class, () -> PodInputs.resolve(over, new InputSource(() -> store)));
        assertEquals(Optional.of(FailureReason.BUDGET_EXCEEDED), e.failureReason());
        assertTrue(e.getMessage().startsWith("input s3://data/shared/one: inputs[1].s3_url brings 1 object(s) after "
                + PodInputs.MAX_OBJECTS + " of the inputs before it;"), e.getMessage());
    }
}
