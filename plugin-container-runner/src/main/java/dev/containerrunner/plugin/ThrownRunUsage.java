package dev.containerrunner.plugin;

import dev.containerrunner.plugin.execution.ContainerEngineException;
import dev.containerrunner.plugin.execution.UsageReport;
import dev.containerrunner.plugin.execution.UsageUnavailable;

/**
 * The {@code usage} / {@code usage_unavailable_reason} of a run attempt that threw: what the backend
 * measured before the failure when it attached that to the exception, otherwise {@code not_started}
 * (every thrown path today fails before or at start: image, inputs, create, start). Only attempts that
 * began get these keys: a refusal at parse, policy or secrets is not a run.
 */
final class ThrownRunUsage {

    private ThrownRunUsage() {
    }

    /**
     * Decides the report and attaches it to {@code thrown} (the exception the engine gets) when it can
     * carry result fields ({@link ContainerEngineException}); other types keep their own fields and
     * only the audit line carries the keys.
     *
     * @param original the backend's exception (may carry measured usage)
     * @param thrown   what is thrown (the original, or its secret-scrubbed copy)
     * @return the report, for the audit line
     */
    static UsageReport attach(RuntimeException original, RuntimeException thrown) {
        UsageReport report = usageOf(original);
        if (thrown instanceof ContainerEngineException cee) {
            cee.usageIfAbsent(report);
            return cee.usage().orElse(report);
        }
        return report;
    }

    private static UsageReport usageOf(RuntimeException e) {
        return e instanceof ContainerEngineException cee
                ? cee.usage().orElse(UsageReport.unavailable(UsageUnavailable.NOT_STARTED))
                : UsageReport.unavailable(UsageUnavailable.NOT_STARTED);
    }
}
