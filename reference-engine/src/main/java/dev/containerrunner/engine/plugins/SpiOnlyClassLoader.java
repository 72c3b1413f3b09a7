package dev.containerrunner.engine.plugins;

/**
 * The parent of every plugin's classloader. It exposes only the JDK, the SPI
 * ({@code dev.containerrunner.spi}) and the SLF4J API (so plugin logs reach the engine's logger).
 * Everything else a plugin uses comes from its own jar, so plugins with conflicting dependency
 * versions coexist.
 */
final class SpiOnlyClassLoader extends ClassLoader {

    static final String[] EXPOSED_PACKAGES = {"dev.containerrunner.spi.", "org.slf4j."};

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
