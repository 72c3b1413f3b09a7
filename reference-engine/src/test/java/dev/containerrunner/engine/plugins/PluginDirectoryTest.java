package dev.containerrunner.engine.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.WorkflowBuilder;
import dev.containerrunner.engine.WorkflowDefinitionException;
import dev.containerrunner.engine.WorkflowEngine;
import dev.containerrunner.engine.WorkflowRun;
import dev.containerrunner.engine.testkit.TestkitApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin jar in a directory gets its own classloader that sees only the SPI (and SLF4J). */
class PluginDirectoryTest {

    @TempDir
    Path dir;

    private void writePluginJar(Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Class<?> c : List.of(TestkitApp.class, TestkitApp.Refused.class)) { // the app and its nested exception
                String cls = c.getName().replace('.', '/') + ".class";
                j.putNextEntry(new JarEntry(cls));
                try (var in = TestkitApp.class.getClassLoader().getResourceAsStream(cls)) {
                    in.transferTo(j);
                }
            }
            j.putNextEntry(new JarEntry("META-INF/services/dev.containerrunner.spi.TaskApp"));
            j.write((TestkitApp.class.getName() + "\n").getBytes());
        }
    }

    @Test
    void aJarDroppedIntoTheDirectoryIsFoundAndIsolated() throws IOException {
        writePluginJar(dir.resolve("testkit.jar"));
        Files.writeString(dir.resolve("README.txt"), "not a jar");
        try (WorkflowEngine engine = WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(dir).build()) {
            InstalledApp app = engine.catalog().apps().iterator().next();
            assertTrue(app.source().endsWith("testkit.jar"));
            assertNotSame(TestkitApp.class, app.app().getClass(), "loaded by the plugin's own classloader");
            WorkflowRun run = engine.run(new WorkflowBuilder("iso", "1")
                    .task("spi", "apps.platform.testkit.probe", Map.of("class_name", "dev.containerrunner.spi.TaskApp"), "spi")
                    .task("jackson", "apps.platform.testkit.probe", Map.of("class_name", "com.fasterxml.jackson.databind.ObjectMapper"), "jackson")
                    .task("engine", "apps.platform.testkit.probe", Map.of("class_name", "dev.containerrunner.engine.WorkflowEngine"), "engine")
                    .build());
            assertEquals(true, run.result("spi").get("visible"));
            assertEquals(false, run.result("jackson").get("visible"), "engine dependencies are hidden from plugins");
            assertEquals(false, run.result("engine").get("visible"));
            assertEquals("plugin:testkit.jar", run.result("spi").get("loader"));
            assertEquals("plugin:testkit.jar", run.result("spi").get("context_loader"),
                    "actions run with the app's loader as context loader (ServiceLoader users inside plugins need it)");
        }
    }

    @Test
    void theSameAppTwiceIsRefused() throws IOException {
        writePluginJar(dir.resolve("a.jar"));
        writePluginJar(dir.resolve("b.jar"));
        String msg = assertThrows(WorkflowDefinitionException.class,
                () -> WorkflowEngine.builder().classpathDiscovery(false).pluginDirectory(dir).build()).getMessage();
        assertTrue(msg.contains("installed twice"), msg);
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        String msg = assertThrows(WorkflowDefinitionException.class,
                () -> WorkflowEngine.builder().pluginDirectory(dir.resolve("nope")).build()).getMessage();
        assertTrue(msg.contains("does not exist"), msg);
    }
}
