package dev.containerrunner.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.config.RunnerConfig;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.model.RunRequest;
import dev.containerrunner.spi.InvalidKwargsException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13 §6 on Kubernetes: working_dir, shm_size and the task's user in the pod; ulimits refused. */
class ContainerKnobsPodTest {

    private static final String ATTEMPT = "0123456789abcdef0123456789abcdef";
    private static final RunnerConfig CONFIG = RunnerConfig.from(Map.of("backend", "kubernetes", "allowed_images", List.of("*:*"),
            "allowed_users", List.of("1000-1999")));

    private static RunRequest request(Object... kv) {
        Map<String, Object> k = new HashMap<>();
        k.put("image", "a:1");
        for (int i = 0; i < kv.length; i += 2) {
            k.put((String) kv[i], kv[i + 1]);
        }
        return RunRequest.from("run_with_input", k, CONFIG.requestDefaults());
    }

    private static PodSpec pod(RunRequest request) {
        KubeLabels.Metadata meta = KubeLabels.forAttempt(new TestContext("t"), ATTEMPT, Instant.ofEpochSecond(2_000_000_000L),
                Duration.ofSeconds(600), true);
        return PodSpecs.build(request, CONFIG, ATTEMPT, meta, Duration.ofSeconds(1000)).job().getSpec().getTemplate().getSpec();
    }

    @Test
    void workingDirIsTheMainContainersWorkingDir() {
        assertEquals("/work/here", pod(request("working_dir", "/work/here")).getContainers().get(0).getWorkingDir());
        assertNull(pod(request()).getContainers().get(0).getWorkingDir(), "the image's");
    }

    @Test
    void shmSizeIsAMemoryBackedEmptyDirAtDevShmOfThatSize() {
        PodSpec pod = pod(request("shm_size", "32m", "writable_dirs", List.of("/out")));
        Volume shm = pod.getVolumes().stream().filter(v -> v.getName().equals(PodSpecs.SHM_VOLUME)).findFirst().orElseThrow();
        assertEquals("Memory", shm.getEmptyDir().getMedium());
        assertEquals(32L << 20, Quantity.getAmountInBytes(shm.getEmptyDir().getSizeLimit()).longValue());
        Container main = pod.getContainers().get(0);
        assertTrue(main.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(PodSpecs.SHM_VOLUME)
                && m.getMountPath().equals("/dev/shm") && !m.getReadOnly()));
        Container keeper = pod.getContainers().get(1);
        assertTrue(keeper.getVolumeMounts().stream().noneMatch(m -> m.getName().equals(PodSpecs.SHM_VOLUME)), "main only");
        assertTrue(pod(request()).getVolumes().stream().noneMatch(v -> v.getName().equals(PodSpecs.SHM_VOLUME)),
                "without shm_size: the runtime's /dev/shm");
    }

    @Test
    void theTasksUserRunsThePodAndOwnsItsVolumes() {
        PodSpec pod = pod(request("user", "1500:1600"));
        assertEquals(1500L, pod.getSecurityContext().getRunAsUser());
        assertEquals(1600L, pod.getSecurityContext().getRunAsGroup());
        assertEquals(1600L, pod.getSecurityContext().getFsGroup());
        assertEquals(true, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(65534L, pod(request()).getSecurityContext().getRunAsUser(), "the configured user by default");
    }

    @Test
    void ulimitsAreRefusedBecauseAPodHasNoFieldForThem() {
        try (KubernetesBackend backend = new KubernetesBackend(CONFIG, c -> {
            throw new AssertionError("the check does no I/O");
        })) {
            InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                    () -> backend.check(request("ulimits", Map.of("nofile", 1024))));
            assertEquals("ulimits", e.parameter());
            assertTrue(e.getMessage().contains("not supported with backend: kubernetes"), e.getMessage());
            backend.check(request("shm_size", "64m", "working_dir", "/w", "user", "1000"));
        }
    }
}
