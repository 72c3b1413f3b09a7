package dev.containerrunner.plugin.model;

import java.time.Duration;

/**
 * The values a run request takes for the kwargs it leaves out: each default is written here once,
 * and both the action's parameter specs and {@link RunRequest#from} read it.
 *
 * @param timeout    {@code timeout_seconds} (configured {@code default_timeout})
 * @param memory     {@code memory_limit} (configured {@code default_memory})
 * @param cpu        {@code cpu_limit} in CPUs (configured {@code default_cpu})
 * @param network    {@code network}: always {@link NetworkMode#NONE}
 * @param pullPolicy {@code pull_policy}: always {@link PullPolicy#IF_NOT_PRESENT}
 * @param user       {@code user} (configured {@code user})
 *
 * <p>{@code working_dir}, {@code shm_size} and {@code ulimits} have no default of the runner's: left
 * out, the image's working directory and the engine's {@code /dev/shm} size and limits apply.
 */
public record RequestDefaults(Duration timeout, MemorySize memory, double cpu, NetworkMode network, PullPolicy pullPolicy,
                              ContainerUser user) {

    /** The configurable defaults with the fixed network ({@code none}) and pull policy ({@code if_not_present}). */
    public static RequestDefaults of(Duration timeout, MemorySize memory, double cpu, ContainerUser user) {
        return new RequestDefaults(timeout, memory, cpu, NetworkMode.NONE, PullPolicy.IF_NOT_PRESENT, user);
    }
}
