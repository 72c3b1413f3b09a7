package dev.containerrunner.engine;

import dev.containerrunner.engine.plugins.InstalledApp;
import dev.containerrunner.engine.plugins.PluginDiscovery;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.FunctionName;
import dev.containerrunner.spi.InvalidConfigurationException;
import dev.containerrunner.spi.TaskApp;
import dev.containerrunner.spi.TaskAppException;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The apps an engine uses, configured, keyed by {@code publisher.name}. */
public final class AppCatalog implements AutoCloseable {

    private final Map<String, InstalledApp> apps;
    private final Map<String, Map<String, Object>> configuration;
    private final List<URLClassLoader> loaders;

    private AppCatalog(Map<String, InstalledApp> apps, Map<String, Map<String, Object>> configuration,
                       List<URLClassLoader> loaders) {
        this.apps = apps;
        this.configuration = configuration;
        this.loaders = loaders;
    }

    /**
     * Configures every found app with its section of {@code appsConfig} (keyed by app name) and
     * collects its actions. A configuration section for an app that is not installed, an app found
     * twice, or a configuration an app refuses all fail here, before anything runs.
     */
    static AppCatalog create(List<PluginDiscovery.Found> found, Map<String, Map<String, Object>> appsConfig) {
        Map<String, InstalledApp> apps = new LinkedHashMap<>();
        Map<String, Map<String, Object>> configuration = new LinkedHashMap<>();
        List<URLClassLoader> loaders = new ArrayList<>();
        found.stream().map(PluginDiscovery.Found::loader).filter(Objects::nonNull).distinct().forEach(loaders::add);
        AppCatalog catalog = new AppCatalog(apps, configuration, loaders);
        try {
            for (PluginDiscovery.Found f : found) {
                TaskApp app = f.app();
                InstalledApp previous = apps.get(app.id());
                if (previous != null) {
                    throw new WorkflowDefinitionException("app '" + app.id() + "' is installed twice: " + previous.source()
                            + " and " + f.source());
                }
                Map<String, Object> section = appsConfig.getOrDefault(app.name(), Map.of());
                configuration.put(app.id(), section);
                apps.put(app.id(), new InstalledApp(app, configured(app, section, f.source()), f.source()));
            }
            for (String name : appsConfig.keySet()) {
                if (apps.values().stream().noneMatch(a -> a.app().name().equals(name))) {
                    throw new InvalidConfigurationException(name, name, "configures an app that is not installed; installed: "
                            + apps.values().stream().map(a -> a.app().name()).toList());
                }
            }
            return catalog;
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
    }

    /** Configures {@code app} and collects its actions; an untyped exception from the app becomes a typed one. */
    private static ActionRegistry configured(TaskApp app, Map<String, Object> section, String source) {
        try {
            app.configure(section);
            return ActionRegistry.of(app);
        } catch (TaskAppException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WorkflowDefinitionException("app '" + app.id() + "' (" + source + ") failed while being configured: "
                    + e, e);
        }
    }

    public Collection<InstalledApp> apps() {
        return apps.values();
    }

    /** The action behind {@code function}, or a {@link WorkflowDefinitionException} saying why not. */
    public ResolvedAction resolve(String function) {
        FunctionName name;
        try {
            name = FunctionName.parse(function);
        } catch (IllegalArgumentException e) {
            throw new WorkflowDefinitionException(e.getMessage(), e);
        }
        InstalledApp installed = apps.get(name.appId());
        if (installed == null) {
            throw new WorkflowDefinitionException("function '" + function + "': no app '" + name.appId()
                    + "' is installed; installed apps: " + apps.keySet());
        }
        if (!installed.actions().contains(name.action())) {
            throw new WorkflowDefinitionException("function '" + function + "': app '" + name.appId()
                    + "' has no action '" + name.action() + "'; its actions: "
                    + installed.actions().actions().stream().map(ActionDefinition::name).toList());
        }
        return new ResolvedAction(name, installed.app(), installed.actions().get(name.action()),
                configuration.get(name.appId()));
    }

    /** An action found for a function string, with its app's configuration section. */
    public record ResolvedAction(FunctionName function, TaskApp app, ActionDefinition action,
                                 Map<String, Object> configuration) {
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (InstalledApp a : apps.values()) {
            try {
                a.app().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        apps.clear();
        for (URLClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing a plugin classloader failed", e);
                }
            }
        }
        loaders.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
