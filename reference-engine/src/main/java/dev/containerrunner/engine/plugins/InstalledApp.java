package dev.containerrunner.engine.plugins;

import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.TaskApp;

/**
 * An app the engine found, with its actions and where it came from.
 *
 * @param source {@code classpath} or the plugin jar's path
 */
public record InstalledApp(TaskApp app, ActionRegistry actions, String source) {
}
