package dev.containerrunner.plugin.kubernetes;

import dev.containerrunner.plugin.execution.ContainerEngineException;

/**
 * The scheduler refused the run's pod on every node for placement reasons (taints it does not
 * tolerate, a node selector or affinity no node matches): the run fails at once with the
 * scheduler's message instead of waiting for the start timeout.
 */
public final class UnschedulableException extends ContainerEngineException {

    private static final long serialVersionUID = 1L;
    private final String schedulerMessage;

    /** @param schedulerMessage the {@code PodScheduled} condition's message, as the scheduler wrote it */
    UnschedulableException(String pod, String schedulerMessage) {
        super("run", "pod " + pod + " cannot be scheduled, and waiting would not change that: " + schedulerMessage
                + " (the node_selector, tolerations and affinity of the run's profile decide which nodes it may use)", null);
        this.schedulerMessage = schedulerMessage;
    }

    /** The scheduler's own words. */
    public String schedulerMessage() {
        return schedulerMessage;
    }
}
