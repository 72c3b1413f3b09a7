package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.HumanText;
import dev.containerrunner.engine.plugins.InstalledApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Properties;

/** The text of {@code workflow --version}: the engine's version and Java's, then each installed app's. */
final class Versions {

    private Versions() {
    }

    /** {@code workflow (reference engine) VERSION, Java VERSION}, then {@code app ID VERSION (SOURCE)} per app. */
    static String text(Collection<InstalledApp> apps) {
        StringBuilder sb = new StringBuilder("workflow (reference engine) ").append(engine())
                .append(", Java ").append(Runtime.version()).append('\n');
        for (InstalledApp installed : apps) {
            sb.append("app ").append(HumanText.line(installed.app().id())).append(' ')
                    .append(HumanText.line(installed.app().version())).append(" (").append(HumanText.line(installed.source().toString()))
                    .append(")\n");
        }
        return sb.toString();
    }

    /**
     * The engine's version, written into {@code engine.properties} by the build.
     *
     * @throws IllegalStateException when the file is missing (a broken build)
     */
    static String engine() {
        try (InputStream in = Versions.class.getResourceAsStream("engine.properties")) {
            if (in == null) {
                throw new IllegalStateException("engine.properties is missing from the engine's jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read engine.properties", e);
        }
    }
}
