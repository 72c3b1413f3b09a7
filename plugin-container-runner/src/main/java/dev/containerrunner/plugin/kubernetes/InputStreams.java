package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.config.KubernetesConfig;
import dev.containerrunner.plugin.execution.StreamedInput;
import dev.containerrunner.plugin.model.InputFile;
import dev.containerrunner.plugin.model.RunRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod side of streamed inputs, built without I/O: which inputs are streamed (input_file above
 * {@value #SECRET_MAX_BYTES} bytes; smaller ones ride in the run's Secret), and the init container
 * {@value #INIT} ({@code helper_image}, hardened like every helper, with the main container's
 * CPU and memory) that mounts the run's
 * directories, waits until the runner streamed every input into them through the exec API
 * ({@link InputStreamer}) and was told so, and fails by itself when that does not happen within
 * the wait it is given. The main container starts only after it exited 0.
 */
final class InputStreams {

    /** The init container's name. */
    static final String INIT = "stream-input";
    /** input_file up to this many bytes goes through the run's Secret (one API call, no exec); above, it is streamed. */
    static final int SECRET_MAX_BYTES = 64 * 1024;
    static final String CONTROL_VOLUME = "input-stream-control";
    /** A memory-backed emptyDir mounted only into {@value #INIT}: the ready marker, never in the task's directories. */
    static final String CONTROL_MOUNT = "/container-runner/stream";
    static final String READY = CONTROL_MOUNT + "/ready";
    private static final Quantity CONTROL_SIZE = new Quantity("1Mi");

    private InputStreams() {
    }

    /** Whether {@code file} is streamed rather than placed through the Secret. */
    static boolean streamed(InputFile file) {
        return file.content().length > SECRET_MAX_BYTES;
    }

    /** The inputs of {@code request} that are streamed into its pod, in order. */
    static List<StreamedInput> of(RunRequest request) {
        return request.inputFile().filter(InputStreams::streamed)
                .map(f -> List.of(StreamedInput.ofBytes(f.path(), f.content()))).orElse(List.of());
    }

    /**
     * The init container's script: exits 0 once the runner wrote {@value #READY} and sent SIGUSR1
     * (polled each second as well), exits 1 with a message on stderr after {@code waitSeconds}, and
     * exits 143 at once on SIGTERM (a cancel or timeout deletes the pod mid-stream: as PID 1 without
     * a trap it ignored the signal and held the pod's deletion for the whole grace period).
     */
    static String waitScript(long waitSeconds) {
        return "trap 'exit 143' TERM; trap '[ -e " + READY + " ] && exit 0' USR1; i=0; while [ \"$i\" -lt " + waitSeconds + " ]; do [ -e " + READY
                + " ] && exit 0; sleep 1 & wait $!; i=$((i+1)); done; echo \"no input was streamed into the pod within "
                + waitSeconds + " s (the runner did not deliver it)\" >&2; exit 1";
    }

    /**
     * Adds {@value #INIT} to {@code job}'s pod template: the run's directories ({@code dirs}, as the
     * helpers see them) and the control volume, waiting at most {@code wait} (whole seconds, at least 1).
     */
    static void mount(Job job, RunDirs dirs, KubernetesConfig k, Duration wait) {
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        List<VolumeMount> mounts = new ArrayList<>();
        for (int i = 0; i < dirs.dirs().size(); i++) {
            mounts.add(mount(RunDirs.volumeName(i), dirs.helperMount(i)));
        }
        mounts.add(mount(CONTROL_VOLUME, CONTROL_MOUNT));
        List<Volume> volumes = new ArrayList<>(pod.getVolumes());
        volumes.add(new VolumeBuilder().withName(CONTROL_VOLUME).withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(CONTROL_SIZE).endEmptyDir().build());
        pod.setVolumes(volumes);
        Container init = PodSpecs.helper(k, INIT, List.of("sh", "-c", waitScript(Math.max(1, wait.toSeconds()))), mounts);
        init.setTerminationMessagePolicy("FallbackToLogsOnError"); // its stderr says why it gave up
        // the main container's CPU and memory, not the helpers' 50m/32Mi (measured: 2.5 MB/s at 50m): init
        // containers run before the others, so the pod's request stays the same
        pod.getContainers().stream().filter(c -> c.getName().equals(PodSpecs.MAIN)).findFirst()
                .ifPresent(main -> init.setResources(main.getResources()));
        List<Container> inits = new ArrayList<>(pod.getInitContainers());
        inits.add(init);
        pod.setInitContainers(inits);
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(false).build();
    }
}
