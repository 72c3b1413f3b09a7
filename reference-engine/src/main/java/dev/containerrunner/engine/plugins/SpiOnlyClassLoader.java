package dev.containerrunner.engine.plugins;

/**
 * The parent of every plugin's classloader. It exposes only the JDK, the SPI
 * ({@code dev.containerrunner.spi}), the SLF4J API (so plugin logs reach the engine's logger) and
 * the OpenTelemetry API ({@code io.opentelemetry.api}, {@code .context}, {@code .common}: so a
 * plugin's metrics and spans reach the SDK the engine installed, through the same
 * {@code GlobalOpenTelemetry} and context; a plugin must not bundle its own copy).
 * Everything else a plugin uses comes from its own jar, so plugins with conflicting dependency
 * versions coexist.
 */
final class SpiOnlyClassLoader extends ClassLoader {

    static final String[] EXPOSED_PACKAGES = {"dev.containerrunner.spi.", "org.slf4j.", "io.opentelemetry.api.",
        "io.opentelemetry.context.", "io.opentelemetry.common."};

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader engine;

    SpiOnlyClassLoader(ClassLoader engine) {
        super("container-runner-spi-only", ClassLoader.getPlatformClassLoader());
        this.engine = engine;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : EXPOSED_PACKAGES) {
            if (name.startsWith(prefix)) {
                return engine.loadClass(name);
            }
        }
        return super.loadClass(name, resolve);
    }
}
