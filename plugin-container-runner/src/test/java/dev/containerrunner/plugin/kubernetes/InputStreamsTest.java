package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.ContainerPath;
import dev.containerrunner.plugin.model.RunRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which inputs are streamed, the waiting init container's spec, and the check of what landed (no cluster). */
class InputStreamsTest {

    private static final String ATTEMPT = "0123456789abcdef0123456789abcdef";
    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"),
            "kubernetes", Map.of("helper_image", "helper:1", "start_timeout_seconds", 90)));

    private static RunRequest request(int size) {
        return RunRequest.from("run_with_input", Map.of("image", "a:1", "memory_limit", "256m", "cpu_limit", 0.5,
                "input_file", Map.of("path", "/work/in/data.txt", "content", "x".repeat(size)), "output_file", "/work/out/r.txt"),
                CONFIG.requestDefaults());
    }

    private static PodSpecs.RunObjects objects(RunRequest request) {
        KubeLabels.Metadata meta = KubeLabels.forAttempt(new TestContext("t"), ATTEMPT, Instant.ofEpochSecond(2_000_000_000L),
                Duration.ofSeconds(600), true);
        PodSpecs.RunObjects o = PodSpecs.build(request, CONFIG, ATTEMPT, meta, Duration.ofSeconds(1000));
        if (!InputStreams.of(request).isEmpty()) {
            InputStreams.mount(o.job(), o.dirs(), CONFIG.kubernetes(), CONFIG.kubernetes().startTimeout());
        }
        return o;
    }

    @Test
    void upTo64KiBTheSecretCarriesInputFileAboveItIsStreamed() {
        RunRequest small = request(InputStreams.SECRET_MAX_BYTES);
        assertEquals(List.of(), InputStreams.of(small));
        PodSpecs.RunObjects o = objects(small);
        assertTrue(o.inputSecret().isPresent());
        assertEquals(List.of(PodSpecs.PREPARE), o.job().getSpec().getTemplate().getSpec().getInitContainers().stream()
                .map(Container::getName).toList());

        RunRequest big = request(InputStreams.SECRET_MAX_BYTES + 1);
        List<StreamedInput> streamed = InputStreams.of(big);
        assertEquals(1, streamed.size());
        assertEquals("/work/in/data.txt", streamed.get(0).path().value());
        assertEquals(InputStreams.SECRET_MAX_BYTES + 1, streamed.get(0).sizeBytes());
        assertEquals(Optional.empty(), streamed.get(0).sha256Hex());
        assertTrue(objects(big).inputSecret().isEmpty(), "no Secret for a streamed input_file");
    }

    @Test
    void theStreamInitContainerIsAHardenedHelperWithTheMainContainersResourcesAndABoundedWait() {
        PodSpecs.RunObjects o = objects(request(2_000_000));
        PodSpec pod = o.job().getSpec().getTemplate().getSpec();
        assertEquals(1, pod.getInitContainers().size());
        Container init = pod.getInitContainers().get(0);
        assertEquals(InputStreams.INIT, init.getName());
        assertEquals("helper:1", init.getImage());
        assertEquals(List.of("sh", "-c", InputStreams.waitScript(90)), init.getCommand());
        assertTrue(init.getCommand().get(2).contains("-lt 90 ]"), init.getCommand().get(2));
        assertTrue(init.getCommand().get(2).endsWith("exit 1"), init.getCommand().get(2));
        // PID 1 ignores a signal it has no trap for: without this the pod's deletion after a cancel
        // waited the whole grace period (busybox, docker stop -t 12: 12.1 s and exit 137; with it 0.12 s, 143)
        assertTrue(init.getCommand().get(2).startsWith("trap 'exit 143' TERM; "), init.getCommand().get(2));
        assertEquals(true, init.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(false, init.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(false, init.getSecurityContext().getPrivileged());
        assertEquals(List.of("ALL"), init.getSecurityContext().getCapabilities().getDrop());
        assertEquals(pod.getContainers().get(0).getResources(), init.getResources());
        assertEquals("FallbackToLogsOnError", init.getTerminationMessagePolicy());
        assertEquals(List.of("/container-runner/dirs/0/in", "/container-runner/dirs/1/out", InputStreams.CONTROL_MOUNT),
                init.getVolumeMounts().stream().map(m -> m.getMountPath()).toList());
        Volume control = pod.getVolumes().stream().filter(v -> v.getName().equals(InputStreams.CONTROL_VOLUME)).findFirst()
                .orElseThrow();
        assertEquals("Memory", control.getEmptyDir().getMedium());
        assertFalse(pod.getContainers().stream().flatMap(c -> c.getVolumeMounts().stream())
                .anyMatch(m -> m.getName().equals(InputStreams.CONTROL_VOLUME)), "the ready marker is not the task's");
        assertEquals(false, pod.getAutomountServiceAccountToken());
        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getSecret() != null), "no Secret volume");
    }

    private static final StreamedInput INPUT = new StreamedInput(new ContainerPath("/in/a.bin"), 5, Optional.empty(),
            () -> new ByteArrayInputStream(new byte[5]));
    private static final String SHA = "a".repeat(64);

    @Test
    void whatLandedMustBeWhatWasSent() {
        assertEquals(Optional.empty(), InputStreamer.verify(INPUT, SHA, true, "5\n" + SHA + "  -\n"));
        assertEquals(Optional.of("4 of 5 bytes landed"), InputStreamer.verify(INPUT, SHA, true, "4\n" + SHA + "  -\n"));
        assertEquals(Optional.of("the SHA-256 of what landed (" + "b".repeat(64) + ") differs from what was sent (" + SHA + ")"),
                InputStreamer.verify(INPUT, SHA, true, "5\n" + "b".repeat(64) + "  -\n"));
        assertEquals(Optional.of("the helper's write did not succeed"), InputStreamer.verify(INPUT, SHA, false, "5\n" + SHA + "  -\n"));
        assertEquals(Optional.of("the helper reported no size and SHA-256 of what landed (got '')"),
                InputStreamer.verify(INPUT, SHA, true, ""));
        assertEquals(Optional.of("the helper reported no size and SHA-256 of what landed (got '5')"),
                InputStreamer.verify(INPUT, SHA, true, "5\n"));
    }

    @Test
    void anExpectedShaMustMatchToo() {
        StreamedInput expecting = new StreamedInput(INPUT.path(), 5, Optional.of("c".repeat(64)), INPUT.opener());
        assertEquals(Optional.of("its SHA-256 is " + SHA + ", expected " + "c".repeat(64)),
                InputStreamer.verify(expecting, SHA, true, "5\n" + SHA + "  -\n"));
        StreamedInput matching = new StreamedInput(INPUT.path(), 5, Optional.of(SHA), INPUT.opener());
        assertEquals(Optional.empty(), InputStreamer.verify(matching, SHA, true, "5\n" + SHA + "  -\n"));
    }

    @Test
    void anInputOutsideTheRunsDirectoriesIsRefusedBeforeAnythingIsCreated() {
        RunDirs dirs = new RunDirs(List.of("/in"), false);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.containerrunner.plugin.execution.ContainerEngineException.class,
                () -> InputDelivery.of(List.of(new StreamedInput(new ContainerPath("/etc/x"), 1, Optional.empty(),
                        () -> new ByteArrayInputStream(new byte[1]))), dirs, (stream, line) -> { }));
        assertTrue(e.getMessage().contains("/etc/x is not inside one of the run's directories [/in]"), e.getMessage());
    }
}
