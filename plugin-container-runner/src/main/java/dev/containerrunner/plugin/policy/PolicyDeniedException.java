package dev.containerrunner.plugin.policy;

import dev.containerrunner.spi.FailureReason;
import dev.containerrunner.spi.InvalidKwargsException;

/**
 * A request the configured policy does not allow. Names the parameter and the rule; its
 * {@code failure_reason} is {@code policy_denied} (never retryable).
 */
public class PolicyDeniedException extends InvalidKwargsException {

    private static final long serialVersionUID = 1L;

    public PolicyDeniedException(String action, String parameter, String problem) {
        super(action, parameter, problem, FailureReason.POLICY_DENIED);
    }
}
