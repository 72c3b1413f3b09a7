package dev.containerrunner.engine.plugins;

import dev.containerrunner.engine.WorkflowDefinitionException;
import dev.containerrunner.spi.TaskApp;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds {@link TaskApp}s: on the engine's classpath through {@link ServiceLoader}, and in a plugin
 * directory where each {@code *.jar} gets its own classloader (parent: {@link SpiOnlyClassLoader}).
 */
public final class PluginDiscovery {

    private PluginDiscovery() {
    }

    /** A found app before it is configured, with the loader to close when the engine stops. */
    public record Found(TaskApp app, String source, URLClassLoader loader) {
    }

    public static List<Found> onClasspath(ClassLoader loader) {
        List<Found> found = new ArrayList<>();
        try {
            for (TaskApp app : ServiceLoader.load(TaskApp.class, loader)) {
                found.add(new Found(app, "classpath", null));
            }
        } catch (ServiceConfigurationError e) {
            throw new WorkflowDefinitionException("a TaskApp on the classpath cannot be loaded: " + e.getMessage(), e);
        }
        return found;
    }

    public static List<Found> inDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new WorkflowDefinitionException("plugin directory " + directory + " does not exist or is not a directory");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new WorkflowDefinitionException("cannot list plugin directory " + directory + ": " + e.getMessage(), e);
        }
        ClassLoader spiOnly = new SpiOnlyClassLoader(TaskApp.class.getClassLoader());
        List<Found> found = new ArrayList<>();
        for (Path jar : jars) {
            URLClassLoader loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {url(jar)}, spiOnly);
            int before = found.size();
            try {
                for (TaskApp app : ServiceLoader.load(TaskApp.class, loader)) {
                    found.add(new Found(app, jar.toString(), loader));
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                closeQuietly(loader, e);
                throw new WorkflowDefinitionException("plugin " + jar + " cannot be loaded: " + e.getMessage(), e);
            }
            if (found.size() == before) {
                closeQuietly(loader, null);
            }
        }
        return found;
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new WorkflowDefinitionException("bad plugin path " + jar, e);
        }
    }

    private static void closeQuietly(URLClassLoader loader, Throwable primary) {
        try {
            loader.close();
        } catch (IOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
