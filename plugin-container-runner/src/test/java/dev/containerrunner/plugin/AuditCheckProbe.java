package dev.containerrunner.plugin;

import dev.containerrunner.spi.InvalidConfigurationException;
import java.util.Map;

/**
 * Configures the app with {@code audit_log: args[0]} in a process of its own, whose stdout a test
 * redirects to a file: prints the refusal to stderr and exits 2, or exits 0 when accepted.
 */
public final class AuditCheckProbe {

    private AuditCheckProbe() {
    }

    /** Entry point: {@code args[0]} is the audit_log value. */
    public static void main(String[] args) {
        try {
            new ContainerRunnerApp().configure(Map.of("audit_log", args[0]));
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        System.exit(0);
    }
}
